namespace NativeConv;

/// <summary>
/// A tensor evaluated in double precision by the operations' references (<see cref="GraphOp.Reference"/>), NHWC,
/// with a bound per element on how far a float32 evaluation of the same network may be from it, and the first-order
/// view of the same: the magnitude of each element's terms and a relative budget. Every backend's result is checked
/// against it.
/// </summary>
public sealed class ReferenceTensor(TensorShape shape, double[] value, double[] bound, double[]? magnitude = null, double relativeBudget = 0)
{
    public TensorShape Shape { get; } = shape;

    public double[] Value { get; } = value;

    /// <summary>The worst-case bound: rigorous, tight over a block, too loose over a whole deep network.</summary>
    public double[] Bound { get; } = bound;

    /// <summary>Σ|w·x| + |b| of the convolution that made each element; for other operations the terms of their own sums.</summary>
    public double[] Magnitude { get; } = magnitude ?? value.Select(Math.Abs).ToArray();

    /// <summary>
    /// The accumulated rounding budget along the longest path, relative to <see cref="Magnitude"/>: the
    /// first-order bound Magnitude · RelativeBudget (see <see cref="ReferenceContext"/>).
    /// </summary>
    public double RelativeBudget { get; } = relativeBudget;

    /// <summary>An exact float input (no error yet), given in <paramref name="layout"/>.</summary>
    public static ReferenceTensor Exact(ReadOnlySpan<float> data, TensorShape shape, TensorLayout layout)
    {
        var value = new double[shape.Length];
        int c = shape.Channels, hw = shape.Height * shape.Width;
        for (int n = 0; n < shape.Batch; n++)
            for (int ch = 0; ch < c; ch++)
                for (int p = 0; p < hw; p++)
                {
                    int source = layout == TensorLayout.Nchw ? (n * c + ch) * hw + p : (n * hw + p) * c + ch;
                    value[(n * hw + p) * c + ch] = data[source];
                }
        return new ReferenceTensor(shape, value, new double[value.Length]);
    }

    /// <summary>Element i of the NHWC arrays, for a float tensor given in <paramref name="layout"/>: its index there.</summary>
    public int IndexIn(TensorLayout layout, int i)
    {
        if (layout == TensorLayout.Nhwc) return i;
        int c = Shape.Channels, hw = Shape.Height * Shape.Width;
        int ch = i % c, p = i / c % hw, n = i / c / hw;
        return (n * c + ch) * hw + p;
    }
}
