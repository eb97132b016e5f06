namespace NativeConv.Tests;

/// <summary>
/// One NHWC layer on integer-valued data (weights -2..2, bias -4..4, input -3..3: every sum exact in float32),
/// on a backend and on the reference; the tests compare the two for equality.
/// </summary>
internal static class ExactRun
{
    public static (float[] Expected, float[] Actual, string Implementation) Run(ConvBackend backend, Conv2dSpec spec, int size, int seed) =>
        Run(backend, spec, size, seed, (b, w, bias) => new Conv2dLayer(spec, w, bias, b, TensorLayout.Nhwc));

    public static (float[] Expected, float[] Actual, string Implementation) Run(ConvBackend backend, ConvTranspose2dSpec spec, int size, int seed) =>
        Run(backend, spec, size, seed, (b, w, bias) => new ConvTranspose2dLayer(spec, w, bias, b, TensorLayout.Nhwc));

    private static (float[] Expected, float[] Actual, string Implementation) Run<TSpec>(ConvBackend backend, TSpec spec, int size, int seed,
        Func<ConvBackend, float[], float[], ConvLayer<TSpec>> layerOn) where TSpec : ConvolutionSpec
    {
        var r = new Random(seed);
        float[] weights = Enumerable.Range(0, spec.WeightCount).Select(_ => (float)r.Next(-2, 3)).ToArray();
        float[] bias = Enumerable.Range(0, spec.BiasCount).Select(_ => (float)r.Next(-4, 5)).ToArray();
        ConvGeometry g = spec.Geometry(1, size, size);
        float[] input = Enumerable.Range(0, g.InputLength).Select(_ => (float)r.Next(-3, 4)).ToArray();
        var expected = new float[g.OutputLength];
        var actual = new float[g.OutputLength];
        using (ConvLayer<TSpec> reference = layerOn(new ReferenceBackend(), weights, bias))
            reference.Forward(input, expected, 1, size, size);
        using ConvLayer<TSpec> layer = layerOn(backend, weights, bias);
        layer.Forward(input, actual, 1, size, size);
        return (expected, actual, layer.ImplementationName);
    }
}
