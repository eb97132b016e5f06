namespace NativeConv.Onnx;

/// <summary>
/// One dimension (or one element of a shape vector) as the importer knows it: a size, or a symbol standing for a size
/// known only at a call (two equal symbols are the same size: the batch of every feature map is the input's).
/// </summary>
internal readonly record struct Dim(long? Size, string? Symbol)
{
    public static Dim Of(long size) => new(size, null);

    /// <summary>A size nothing more is known of (a fresh symbol, equal to no other).</summary>
    public static Dim Unknown() => new(null, "?" + Interlocked.Increment(ref _next));

    private static long _next;

    public bool IsKnown => Size is not null;

    public bool Is(long size) => Size == size;

    public bool SameAs(Dim other) => Size is { } a ? other.Size == a : Symbol is not null && Symbol == other.Symbol;

    public override string ToString() => Size?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? (Symbol is { } s && !s.StartsWith('?') ? s : "?");
}
