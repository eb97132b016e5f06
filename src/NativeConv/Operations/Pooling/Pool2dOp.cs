namespace NativeConv;

/// <summary>What the max and the average pool share: the spec, the shape rule (<see cref="Pool2dSpec.Geometry"/>), channels kept, and the references' walk over the windows.</summary>
internal abstract class Pool2dOp(string name, int input, int output, Pool2dSpec spec) : GraphOp(name, [input], [output])
{
    public Pool2dSpec Spec { get; } = spec;

    public override void InferShapes(ReadOnlySpan<TensorShape> inputs, Span<TensorShape> outputs) => outputs[0] = Spec.Geometry(inputs[0]).Output;

    /// <summary>The geometry of the shapes a step is made for.</summary>
    internal PoolGeometry Geometry(OpShapes shapes) => Spec.Geometry(shapes.Input);

    /// <summary>One output element of a reference from its window's taps inside the input (NHWC indices into <paramref name="x"/>).</summary>
    protected delegate (double Value, double Bound, double Magnitude) WindowReference(ReferenceTensor x, ReadOnlySpan<int> taps, int oy, int ox);

    /// <summary>The reference's walk: every output element of <paramref name="x"/>'s pool made by <paramref name="window"/> from its taps.</summary>
    protected ReferenceTensor[] Reference(ReferenceTensor x, double relativeBudget, WindowReference window)
    {
        PoolGeometry g = Spec.Geometry(x.Shape);
        TensorShape shape = g.Output;
        PoolAxis rows = g.Rows, columns = g.Columns;
        int c = g.Channels;
        var value = new double[shape.Length];
        var bound = new double[shape.Length];
        var magnitude = new double[shape.Length];
        var taps = new int[Math.Min(rows.Kernel, rows.In) * Math.Min(columns.Kernel, columns.In)];
        for (int n = 0; n < g.Batch; n++)
            for (int oy = 0; oy < rows.Out; oy++)
            {
                var (top, bottom) = rows.Taps(oy);
                for (int ox = 0; ox < columns.Out; ox++)
                {
                    var (left, right) = columns.Taps(ox);
                    for (int ch = 0; ch < c; ch++)
                    {
                        int count = 0;
                        for (int ky = top; ky < bottom; ky++)
                            for (int kx = left; kx < right; kx++)
                                taps[count++] = ((n * rows.In + rows.Start(oy) + ky * rows.Dilation) * columns.In + columns.Start(ox) + kx * columns.Dilation) * c + ch;
                        int o = ((n * rows.Out + oy) * columns.Out + ox) * c + ch;
                        (value[o], bound[o], magnitude[o]) = window(x, taps.AsSpan(0, count), oy, ox);
                    }
                }
            }
        return [new ReferenceTensor(shape, value, bound, magnitude, relativeBudget)];
    }
}
