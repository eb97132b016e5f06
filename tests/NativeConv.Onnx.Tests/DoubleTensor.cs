namespace NativeConv.Onnx.Tests;

/// <summary>
/// A tensor of the independent evaluation: dims and values in double (integers too: the tests' are small), and whether
/// its ONNX type is an integer one (where Div truncates, as the shape arithmetic of PyTorch's exports relies on).
/// </summary>
internal sealed record DoubleTensor(long[] Dims, double[] Values, bool Integer = false)
{
    public long Count => Dims.Aggregate(1L, (p, d) => p * d);

    public static DoubleTensor Of(float[] values, params long[] dims) => new(dims, values.Select(v => (double)v).ToArray());
}
