using Xunit;

namespace NativeConv.Tests;

/// <summary>
/// A quantized chain of convolutions (MobileNet v1's blocks): calibrated post-training, its layers' parameters
/// chain (each reads what the one before writes), and it runs exactly as the reference runs the same
/// definitions on XNNPACK (whose requantization the reference follows step by step), in both layouts, while
/// oneDNN's layers are each held to the reference by the int8 conformance cases.
/// </summary>
public class QuantizedNetworkTests
{
    private static (IReadOnlyList<NetworkBlock> Blocks, List<float[]> Calibration) V1Body()
    {
        IReadOnlyList<NetworkBlock> blocks = MobileNets.Blocks(MobileNetModel.V1Body, new RandomStateDict(3));
        var r = new Random(5);
        var calibration = Enumerable.Range(0, 2).Select(_ => Enumerable.Range(0, 32 * 16 * 16).Select(_ => (float)(r.NextDouble() * 2 - 1)).ToArray()).ToList();
        return (blocks, calibration);
    }

    [SkippableTheory]
    [InlineData(TensorLayout.Nhwc)]
    [InlineData(TensorLayout.Nchw)]
    public void Xnnpack_runs_the_chain_exactly_as_the_reference(TensorLayout layout)
    {
        ConvBackend xnnpack = TestBackends.GetOrSkip(XnnpackBackend.BackendName);
        var (blocks, calibration) = V1Body();
        IReadOnlyList<QuantizedLayerDefinition> layers = QuantizedNetwork<byte>.Calibrate(blocks, calibration, 16, 16, new ReferenceBackend(), layout);
        Assert.Equal(26, layers.Count);
        for (int i = 1; i < layers.Count; i++) Assert.Equal(layers[i - 1].Output, layers[i].Input);

        using var native = new QuantizedNetwork<byte>(layers, xnnpack, layout);
        using var reference = new QuantizedNetwork<byte>(layers, new ReferenceBackend(), layout);
        var input = new byte[2 * 32 * 16 * 16];
        for (int n = 0; n < 2; n++) Quantizer.Quantize<byte>(calibration[n], input.AsSpan(n * 32 * 256, 32 * 256), native.Input);
        TensorShape outShape = native.OutputShape(new TensorShape(2, 32, 16, 16));
        Assert.Equal(new TensorShape(2, 1024, 1, 1), outShape);
        var a = new byte[outShape.Length];
        var b = new byte[outShape.Length];
        native.Forward(input, a, 2, 16, 16);
        reference.Forward(input, b, 2, 16, 16);
        Assert.Equal(b, a);
        Assert.True(b.Distinct().Count() > 10, "the outputs spread over the range");
    }

    [Fact]
    public void Chains_are_checked_and_other_blocks_are_refused()
    {
        var (blocks, calibration) = V1Body();
        IReadOnlyList<QuantizedLayerDefinition> layers = QuantizedNetwork<byte>.Calibrate(blocks.Take(1).ToList(), calibration, 16, 16, new ReferenceBackend());
        var broken = new List<QuantizedLayerDefinition> { layers[0], layers[1] with { Input = new QuantizationParameters(0.5f, 1) } };
        var e = Assert.Throws<ArgumentException>(() => new QuantizedNetwork<byte>(broken, new ReferenceBackend()));
        Assert.Contains("layer 1 reads", e.Message);
        var (v2, _) = (MobileNets.Blocks(MobileNetModel.V2, new RandomStateDict(1)), 0);
        Assert.Throws<NotSupportedException>(() => QuantizedNetwork<byte>.Calibrate(v2, calibration, 16, 16, new ReferenceBackend()));
    }
}
