namespace NativeConv.Tests;

/// <summary>
/// One NHWC convolution on integer-valued data (weights -2..2, bias -4..4, input -3..3: every sum exact in float32),
/// on a backend and on the reference; the tests compare the two for equality.
/// </summary>
internal static class ExactRun
{
    public static (float[] Expected, float[] Actual, string Implementation) Run(ConvBackend backend, Conv2dSpec spec, int size, int seed)
    {
        var r = new Random(seed);
        float[] weights = Enumerable.Range(0, spec.WeightCount).Select(_ => (float)r.Next(-2, 3)).ToArray();
        float[] bias = Enumerable.Range(0, spec.BiasCount).Select(_ => (float)r.Next(-4, 5)).ToArray();
        ConvGeometry g = spec.Geometry(1, size, size);
        float[] input = Enumerable.Range(0, g.InputLength).Select(_ => (float)r.Next(-3, 4)).ToArray();
        var expected = new float[g.OutputLength];
        var actual = new float[g.OutputLength];
        using (var reference = new Conv2dLayer(spec, weights, bias, new ReferenceBackend(), TensorLayout.Nhwc))
            reference.Forward(input, expected, 1, size, size);
        using var layer = new Conv2dLayer(spec, weights, bias, backend, TensorLayout.Nhwc);
        layer.Forward(input, actual, 1, size, size);
        return (expected, actual, layer.ImplementationName);
    }
}
