using Xunit;

namespace NativeConv.Tests;

/// <summary>Bad quantization input: a clear exception before any native call, on every backend that has int8.</summary>
public class QuantizedValidationTests
{
    private static readonly Conv2dSpec Dw = Conv2dSpec.Depthwise(4, 3, padding: 1);
    private static QuantizedConvWeights Weights() => new(Dw, new sbyte[36], [0.01f, 0.01f, 0.01f, 0.01f], new int[4]);
    private static readonly QuantizationParameters Good = new(0.02f, 3);

    public static TheoryData<string> Backends() => new(TestBackends.Names.Where(n => n != FloatLoopBackend.BackendName));

    [SkippableTheory]
    [MemberData(nameof(Backends))]
    public void Scales_zero_points_and_counts_are_checked(string backendName)
    {
        ConvBackend b = TestBackends.GetOrSkip(backendName);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new QuantizedConv2dLayer<byte>(Weights(), new QuantizationParameters(0, 3), Good, b));
        Assert.Equal("input", e.ParamName);
        e = Assert.Throws<ArgumentOutOfRangeException>(() => new QuantizedConv2dLayer<byte>(Weights(), new QuantizationParameters(-0.1f, 3), Good, b));
        Assert.Contains("positive", e.Message);
        e = Assert.Throws<ArgumentOutOfRangeException>(() => new QuantizedConv2dLayer<byte>(Weights(), Good, new QuantizationParameters(float.NaN, 3), b));
        Assert.Equal("output", e.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => new QuantizedConv2dLayer<byte>(Weights(), Good, new QuantizationParameters(float.PositiveInfinity, 3), b));
        e = Assert.Throws<ArgumentOutOfRangeException>(() => new QuantizedConv2dLayer<byte>(Weights(), new QuantizationParameters(0.02f, 256), Good, b));
        Assert.Contains("outside Byte's range [0, 255]", e.Message);
        e = Assert.Throws<ArgumentOutOfRangeException>(() => new QuantizedConv2dLayer<sbyte>(Weights(), Good, new QuantizationParameters(0.02f, -129), b));
        Assert.Contains("outside SByte's range [-128, 127]", e.Message);
        e = Assert.Throws<ArgumentOutOfRangeException>(() => new QuantizedConv2dLayer<sbyte>(Weights(), Good, new QuantizationParameters(1e-9f, 0), b));
        Assert.Contains("below 256", e.Message);
        var shape = Assert.Throws<ArgumentException>(() => new QuantizedConvWeights(Dw, new sbyte[36], [0.01f, 0.01f, 0.01f], new int[4]));
        Assert.Equal("scales", shape.ParamName);
        Assert.Contains("one weight scale per output channel (4), got 3", shape.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new QuantizedConvWeights(Dw, new sbyte[36], [0.01f, 0, 0.01f, 0.01f], new int[4]));
        Assert.Throws<ArgumentException>(() => new QuantizedConvWeights(Dw, new sbyte[35], [0.01f, 0.01f, 0.01f, 0.01f], new int[4]));
        Assert.Throws<ArgumentException>(() => new QuantizedConvWeights(Dw, new sbyte[36], [0.01f, 0.01f, 0.01f, 0.01f], new int[3]));
        var activation = Conv2dSpec.Depthwise(4, 3, padding: 1, activation: Activation.HardSwish);
        Assert.Throws<NotSupportedException>(() => new QuantizedConv2dLayer<byte>(new QuantizedConvWeights(activation, new sbyte[36], [0.01f, 0.01f, 0.01f, 0.01f], new int[4]), Good, Good, b));
        Assert.Throws<NotSupportedException>(() => new QuantizedConv2dLayer<short>(Weights(), Good, Good, b));

        using var layer = new QuantizedConv2dLayer<byte>(Weights(), Good, Good, b, TensorLayout.Nhwc);
        var wrong = Assert.Throws<ArgumentException>(() => layer.Forward(new byte[99], new byte[100], 1, 5, 5));
        Assert.Contains("NHWC 1x5x5x4 = 100", wrong.Message);
        var data = new byte[200];
        Assert.Throws<ArgumentException>(() => layer.Forward(data.AsSpan(0, 100), data.AsSpan(50, 100), 1, 5, 5));
    }

    [Fact]
    public void A_backend_without_int8_says_so() =>
        Assert.Throws<NotSupportedException>(() => new QuantizedConv2dLayer<byte>(Weights(), Good, Good, new FloatLoopBackend()));

    [Fact]
    public void Quantize_dequantize_and_calibration_round_trip()
    {
        float[] values = [-1f, -0.5f, 0f, 0.25f, 2f];
        QuantizationParameters p = Quantizer.Calibrate<byte>([values]);
        Assert.Equal(0f, p.Dequantize(p.ZeroPoint)); // zero is exact: padding needs it
        var q = new byte[values.Length];
        Quantizer.Quantize<byte>(values, q, p);
        var back = new float[values.Length];
        Quantizer.Dequantize<byte>(q, back, p);
        for (int i = 0; i < values.Length; i++) Assert.True(Math.Abs(back[i] - values[i]) <= p.Scale / 2 * 1.0001, $"{values[i]} -> {q[i]} -> {back[i]}");
        QuantizedConvWeights w = Quantizer.QuantizeWeights(Conv2dSpec.Pointwise(2, 2), [1f, -0.5f, 0.25f, 0.125f], [0.5f, -1f], p.Scale);
        Assert.Equal([127, -64, 127, 64], w.Weights.ToArray().Select(v => (int)v));
        Assert.Equal(1f / 127, w.Scales[0], 6);
    }
}
