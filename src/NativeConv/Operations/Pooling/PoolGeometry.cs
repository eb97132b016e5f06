namespace NativeConv;

/// <summary>A pool resolved for one input shape: its windows along the rows and the columns (<see cref="Pool2dSpec.Geometry"/>).</summary>
internal readonly record struct PoolGeometry(int Batch, int Channels, PoolAxis Rows, PoolAxis Columns)
{
    public TensorShape Input => new(Batch, Channels, Rows.In, Columns.In);

    public TensorShape Output => new(Batch, Channels, Rows.Out, Columns.Out);

    /// <summary>The padding a library with the floor rule takes for this output: the spec's before, up to the last window's end after.</summary>
    public (int Top, int Left, int Bottom, int Right) LibraryPadding => (Rows.PadBegin, Columns.PadBegin, Rows.LibraryPadEnd, Columns.LibraryPadEnd);
}
