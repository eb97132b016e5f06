using Xunit;

namespace NativeConv.Tests;

/// <summary>
/// Quantized networks: calibrated post-training, each convolution's parameters chain (it reads what wrote its
/// input), and a network runs exactly as the same parameters run on the reference backend when its
/// convolutions run on XNNPACK (whose requantization the reference follows step by step; adds and pools are
/// the same managed code on both), in both layouts: MobileNet v1's body (a chain) and the whole v2 (residual
/// adds, the average pool and the classifier). oneDNN's layers are each held to the reference by the int8
/// conformance cases.
/// </summary>
public class QuantizedNetworkTests
{
    private static List<float[]> Samples(int count, int length, int seed)
    {
        var r = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => Enumerable.Range(0, length).Select(_ => (float)(r.NextDouble() * 2 - 1)).ToArray()).ToList();
    }

    [SkippableTheory]
    [InlineData(MobileNetModel.V1Body, 32, 16, TensorLayout.Nhwc)]
    [InlineData(MobileNetModel.V1Body, 32, 16, TensorLayout.Nchw)]
    [InlineData(MobileNetModel.V2, 3, 32, TensorLayout.Nhwc)]
    [InlineData(MobileNetModel.V2, 3, 48, TensorLayout.Nchw)]
    public void Xnnpack_runs_the_network_exactly_as_the_reference(MobileNetModel model, int channels, int size, TensorLayout layout)
    {
        ConvBackend xnnpack = TestBackends.GetOrSkip(XnnpackBackend.BackendName);
        IReadOnlyList<NetworkBlock> blocks = MobileNets.Blocks(model, new RandomStateDict(3));
        List<float[]> calibration = Samples(2, channels * size * size, 5);
        QuantizedNetworkParameters parameters = QuantizedNetwork<byte>.Calibrate(blocks, calibration, size, size, new ReferenceBackend(), layout);
        Assert.Equal(model == MobileNetModel.V1Body ? 26 : 53, parameters.Layers.Count);

        using var native = new QuantizedNetwork<byte>(parameters, xnnpack, layout);
        using var reference = new QuantizedNetwork<byte>(parameters, new ReferenceBackend(), layout);
        int image = channels * size * size;
        var input = new byte[2 * image];
        for (int n = 0; n < 2; n++) Quantizer.Quantize<byte>(calibration[n], input.AsSpan(n * image, image), native.Input);
        TensorShape outShape = native.OutputShape(new TensorShape(2, channels, size, size));
        Assert.Equal(model == MobileNetModel.V1Body ? new TensorShape(2, 1024, 1, 1) with { Height = size / 16, Width = size / 16 } : new TensorShape(2, 1000, 1, 1), outShape);
        var a = new byte[outShape.Length];
        var b = new byte[outShape.Length];
        native.Forward(input, a, 2, size, size);
        reference.Forward(input, b, 2, size, size);
        Assert.Equal(b, a);
        Assert.True(b.Distinct().Count() > 10, "the outputs spread over the range");
        var before = (byte[])input.Clone();
        native.Forward(input, a, 2, size, size); // planned buffers reused: same result, input untouched
        Assert.Equal(b, a);
        Assert.Equal(before, input);
    }

    [SkippableTheory]
    [InlineData("onednn")]
    [InlineData("xnnpack")]
    [InlineData("reference")]
    public void Nchw_runs_as_nhwc_between_byte_transposes(string backendName)
    {
        // NCHW callers' bytes are transposed at the edges (in 16x16 blocks on x86, ByteBlockTranspose; else by the
        // backend's own operator): the network must give exactly its NHWC run on the same data transposed here by
        // index. v1's body at 32x32: 32 input channels x 1024 pixels in, 2x2 out.
        ConvBackend backend = TestBackends.GetOrSkip(backendName);
        const int Size = 32, Channels = 32, Batch = 2;
        IReadOnlyList<NetworkBlock> blocks = MobileNets.Blocks(MobileNetModel.V1Body, new RandomStateDict(7));
        List<float[]> calibration = Samples(1, Channels * Size * Size, 8);
        QuantizedNetworkParameters parameters = QuantizedNetwork<byte>.Calibrate(blocks, calibration, Size, Size, new ReferenceBackend(),
            weightBits: backend.ExactInt8WeightBits);
        using var nchw = new QuantizedNetwork<byte>(parameters, backend, TensorLayout.Nchw);
        using var nhwc = new QuantizedNetwork<byte>(parameters, backend, TensorLayout.Nhwc);
        var r = new Random(9);
        var x = new byte[Batch * Channels * Size * Size];
        r.NextBytes(x);
        TensorShape outShape = nchw.OutputShape(new TensorShape(Batch, Channels, Size, Size));
        var y = new byte[outShape.Length];
        var yNhwc = new byte[outShape.Length];
        nchw.Forward(x, y, Batch, Size, Size);
        nhwc.Forward(ToNhwc(x, Batch, Channels, Size * Size), yNhwc, Batch, Size, Size);
        Assert.Equal(ToNhwc(y, outShape.Batch, outShape.Channels, outShape.Height * outShape.Width), yNhwc);
        Assert.True(y.Distinct().Count() > 10, "the outputs spread over the range");
    }

    private static byte[] ToNhwc(byte[] nchw, int batch, int channels, int pixels)
    {
        var nhwc = new byte[nchw.Length];
        for (int n = 0; n < batch; n++)
            for (int c = 0; c < channels; c++)
                for (int p = 0; p < pixels; p++)
                    nhwc[(n * pixels + p) * channels + c] = nchw[(n * channels + c) * pixels + p];
        return nhwc;
    }

    [SkippableTheory]
    [InlineData("onednn", TensorLayout.Nchw)]
    [InlineData("xnnpack", TensorLayout.Nchw)] // uint8 shifted to int8 inside
    [InlineData("reference", TensorLayout.Nhwc)]
    public void Float_forward_is_quantize_run_dequantize(string backendName, TensorLayout layout)
    {
        ConvBackend backend = TestBackends.GetOrSkip(backendName);
        const int Size = 32, Channels = 32, Batch = 2;
        IReadOnlyList<NetworkBlock> blocks = MobileNets.Blocks(MobileNetModel.V1Body, new RandomStateDict(7));
        List<float[]> calibration = Samples(Batch, Channels * Size * Size, 8);
        using var network = new QuantizedNetwork<byte>(blocks, calibration, Size, Size, backend, layout);
        float[] x = calibration.SelectMany(sample => sample).ToArray();
        float[] before = x.ToArray();
        TensorShape outShape = network.OutputShape(new TensorShape(Batch, Channels, Size, Size));

        var quantized = new byte[x.Length];
        Quantizer.Quantize<byte>(x, quantized, network.Input);
        var quantizedOut = new byte[outShape.Length];
        network.Forward(quantized, quantizedOut, Batch, Size, Size);
        var expected = new float[outShape.Length];
        Quantizer.Dequantize<byte>(quantizedOut, expected, network.Output);

        var y = new float[outShape.Length];
        for (int call = 0; call < 2; call++) // the second reuses the quantized buffers
        {
            Array.Fill(y, float.NaN);
            network.Forward(x, y, Batch, Size, Size);
            Assert.Equal(expected, y); // exactly: the same steps
        }
        Assert.Equal(before, x);
        Assert.True(y.Distinct().Count() > 10, "the outputs spread over the range");

        Assert.Equal("input", Assert.Throws<ArgumentException>(() => network.Forward(x.AsSpan(1), y, Batch, Size, Size)).ParamName);
        Assert.Equal("output", Assert.Throws<ArgumentException>(() => network.Forward(x, y.AsSpan(1), Batch, Size, Size)).ParamName);
        var shared = new float[x.Length + y.Length - 1];
        Assert.Equal("output", Assert.Throws<ArgumentException>(() => network.Forward(shared.AsSpan(0, x.Length), shared.AsSpan(x.Length - 1), Batch, Size, Size)).ParamName);
    }

    [SkippableFact]
    public void An_int8_network_runs_as_its_uint8_twin()
    {
        // The same calibration in int8 differs from uint8 by the zero points' shift of 128 only (scales equal,
        // zero points 128 lower), so every output is the uint8 one minus 128: the ⊕0x80 paths are exact.
        ConvBackend xnnpack = TestBackends.GetOrSkip(XnnpackBackend.BackendName);
        IReadOnlyList<NetworkBlock> blocks = MobileNets.Blocks(MobileNetModel.V2, new RandomStateDict(4));
        List<float[]> calibration = Samples(1, 3 * 32 * 32, 6);
        using var unsigned = new QuantizedNetwork<byte>(blocks, calibration, 32, 32, xnnpack, TensorLayout.Nhwc);
        using var signed = new QuantizedNetwork<sbyte>(blocks, calibration, 32, 32, xnnpack, TensorLayout.Nhwc);
        Assert.Equal(unsigned.Input.Scale, signed.Input.Scale);
        Assert.Equal(unsigned.Input.ZeroPoint - 128, signed.Input.ZeroPoint);
        var x8 = new byte[3 * 32 * 32];
        var xs = new sbyte[x8.Length];
        Quantizer.Quantize<byte>(calibration[0], x8, unsigned.Input);
        Quantizer.Quantize<sbyte>(calibration[0], xs, signed.Input);
        var y8 = new byte[1000];
        var ys = new sbyte[1000];
        unsigned.Forward(x8, y8, 1, 32, 32);
        signed.Forward(xs, ys, 1, 32, 32);
        Assert.Equal(y8.Select(v => v - 128), ys.Select(v => (int)v));
    }

    [Fact]
    public void Chains_are_checked_and_other_blocks_are_refused()
    {
        IReadOnlyList<NetworkBlock> blocks = MobileNets.Blocks(MobileNetModel.V1Body, new RandomStateDict(3));
        List<float[]> calibration = Samples(1, 32 * 16 * 16, 5);
        IReadOnlyList<QuantizedLayerDefinition> layers = QuantizedNetwork<byte>.Calibrate(blocks.Take(1).ToList(), calibration, 16, 16, new ReferenceBackend()).Layers;
        var broken = new List<QuantizedLayerDefinition> { layers[0], layers[1] with { Input = new QuantizationParameters(0.5f, 1) } };
        var e = Assert.Throws<ArgumentException>(() => new QuantizedNetwork<byte>(broken, new ReferenceBackend()));
        Assert.Contains("layer 1 reads", e.Message);
        IReadOnlyList<NetworkBlock> v3 = MobileNets.Blocks(MobileNetModel.V3Small, new RandomStateDict(1));
        var refused = Assert.Throws<NotSupportedException>(() => QuantizedNetwork<byte>.Calibrate(v3, Samples(1, 3 * 32 * 32, 1), 32, 32, new ReferenceBackend()));
        Assert.Contains("(multiply)", refused.Message);
    }
}
