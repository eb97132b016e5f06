using Xunit;

namespace NativeConv.Tests;

/// <summary>
/// NaN and ±infinity at the float boundary of the quantized path (<see cref="Quantizer.Quantize{T}"/>, and so
/// <see cref="QuantizedNetwork{T}"/>'s float Forward): an integer has neither, so ±infinity saturates and NaN becomes the
/// zero point (it dequantizes to 0), on the vectorized and the scalar paths alike, and a network on every backend then
/// runs the same integers as for the input with those values replaced.
/// </summary>
public class NonFiniteQuantizedTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(31)]
    [InlineData(70)] // vector blocks and a scalar tail
    public void Quantize_saturates_infinities_and_gives_NaN_the_zero_point(int length)
    {
        foreach (var (signed, parameters) in new[] { (true, new QuantizationParameters(0.05f, -7)), (false, new QuantizationParameters(0.05f, 131)) })
        {
            float[] values = Enumerable.Range(0, length).Select(i => (i % 3) switch { 0 => float.NaN, 1 => float.PositiveInfinity, _ => float.NegativeInfinity }).ToArray();
            int[] q = signed ? Quantized<sbyte>(values, parameters) : Quantized<byte>(values, parameters);
            int min = signed ? -128 : 0, max = signed ? 127 : 255;
            for (int i = 0; i < length; i++)
                Assert.Equal((i % 3) switch { 0 => parameters.ZeroPoint, 1 => max, _ => min }, q[i]);
            Assert.Equal(0f, parameters.Dequantize(parameters.Quantize(float.NaN, min, max)));
        }
    }

    private static int[] Quantized<T>(float[] values, QuantizationParameters parameters) where T : unmanaged, System.Numerics.IBinaryInteger<T>, System.Numerics.IMinMaxValue<T>
    {
        var q = new T[values.Length];
        Quantizer.Quantize<T>(values, q, parameters);
        return q.Select(int.CreateChecked).ToArray();
    }

    /// <summary>The backends with quantized convolutions (the plugged-in float one has none).</summary>
    public static TheoryData<string> Backends() => new(TestBackends.Native.Append(ReferenceBackend.BackendName));

    [SkippableTheory]
    [MemberData(nameof(Backends))]
    public void A_quantized_network_reads_NaN_as_zero_and_infinities_as_the_range_ends(string backendName)
    {
        ConvBackend backend = TestBackends.GetOrSkip(backendName);
        const int Size = 16, Channels = 32;
        IReadOnlyList<NetworkBlock> blocks = MobileNets.Blocks(MobileNetModel.V1Body, new RandomStateDict(3));
        var r = new Random(5);
        List<float[]> calibration = [Enumerable.Range(0, Channels * Size * Size).Select(_ => (float)(r.NextDouble() * 2 - 1)).ToArray()];
        QuantizedNetworkParameters parameters = QuantizedNetwork<byte>.Calibrate(blocks, calibration, Size, Size, new ReferenceBackend(), TensorLayout.Nhwc,
            weightBits: backend.ExactInt8WeightBits); // oneDNN without VNNI multiplies only 7-bit weights exactly
        using var network = new QuantizedNetwork<byte>(parameters, backend, TensorLayout.Nhwc);
        float[] x = calibration[0].ToArray();
        x[7] = float.NaN;
        x[100] = float.PositiveInfinity;
        x[2000] = float.NegativeInfinity;
        float[] replaced = x.Select(v => float.IsNaN(v) ? 0f : float.IsPositiveInfinity(v) ? float.MaxValue : float.IsNegativeInfinity(v) ? float.MinValue : v).ToArray();
        TensorShape output = network.OutputShape(new TensorShape(1, Channels, Size, Size));
        float[] a = new float[output.Length], b = new float[output.Length];
        network.Forward(x, a, 1, Size, Size);
        network.Forward(replaced, b, 1, Size, Size);
        Assert.All(a, v => Assert.True(float.IsFinite(v)));
        Assert.Equal(b, a);
    }
}
