using Xunit;

namespace NativeConv.Tests.Quantized;

/// <summary>
/// The vectorized Quantize and Dequantize (32 values per step, the rest scalar) against their scalar definitions,
/// <see cref="QuantizationParameters.Quantize"/> and <see cref="QuantizationParameters.Dequantize"/>: equal value for
/// value, ties and near-ties included, every tail length, nothing written past the span.
/// </summary>
public class QuantizerVectorTests
{
    public static TheoryData<float, int, bool> Parameters => new()
    {
        { 0.023529412f, 0, false }, // ReLU6 output: 6 / 255 from 0
        { 0.031372551f, 128, false }, // symmetric around 128
        { 0.5f, 255, false }, // zero point at the top of the range
        { 0.0078125f, -128, true }, // int8, zero point at the bottom
        { 0.1f, 3, true },
        { 1e-30f, 0, true }, // tiny scale: everything saturates
        { 3f, 7, true }, // short mantissas with an inexact reciprocal: many exact ties that x * (1 / scale) misses
        { 0.75f, 100, false },
        { 1.2f, 0, false },
    };

    [Theory]
    [MemberData(nameof(Parameters))]
    public void Quantize_equals_the_scalar_definition_for_every_value_and_tail(float scale, int zeroPoint, bool signed)
    {
        var p = new QuantizationParameters(scale, zeroPoint);
        float[] values = Values(scale, new Random(zeroPoint + 1000));
        if (signed) Check<sbyte>(values, p);
        else Check<byte>(values, p);
    }

    private static void Check<T>(float[] values, QuantizationParameters p) where T : unmanaged, System.Numerics.IBinaryInteger<T>, System.Numerics.IMinMaxValue<T>
    {
        int min = int.CreateChecked(T.MinValue), max = int.CreateChecked(T.MaxValue);
        foreach (int length in new[] { 0, 1, 31, 32, 33, 63, 64, 65, 97, values.Length - 1 })
            foreach (int start in new[] { 0, 1 }) // an unaligned start too
            {
                if (start + length > values.Length) continue;
                ReadOnlySpan<float> x = values.AsSpan(start, length);
                var q = new T[length + 16];
                T guard = T.CreateTruncating(0x5A);
                q.AsSpan().Fill(guard);
                Quantizer.Quantize<T>(x, q.AsSpan(0, length), p);
                for (int i = 0; i < length; i++)
                {
                    T expected = T.CreateTruncating(p.Quantize(x[i], min, max));
                    Assert.True(expected == q[i], $"{x[i]:R} / {p}: expected {expected}, got {q[i]} (length {length}, index {i})");
                }
                for (int i = length; i < q.Length; i++) Assert.Equal(guard, q[i]);
            }
    }

    /// <summary>
    /// Random values across the range and beyond, exact half-integer quotients (ties) and their float neighbours on
    /// either side (near-ties, where a float quotient would round onto the tie), NaN, infinities, signed zeros.
    /// </summary>
    private static float[] Values(float scale, Random random)
    {
        var values = new List<float> { float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0f, -0f, float.MaxValue, float.MinValue, float.Epsilon };
        for (int k = -300; k <= 300; k++)
        {
            float tie = (float)(scale * (k + 0.5));
            values.Add(tie);
            values.Add(MathF.BitIncrement(tie));
            values.Add(MathF.BitDecrement(tie));
        }
        for (int i = 0; i < 4000; i++) values.Add((float)((random.NextDouble() * 2 - 1) * 300 * scale));
        return values.ToArray();
    }

    /// <summary>
    /// x / scale exactly −7.5, which x · (1 / scale) in double rounds to −7.4999999999999991 (and so to −7, where ties to
    /// even give −8): found by search over float scales. The quotient must be corrected, not just multiplied out.
    /// </summary>
    [Fact]
    public void A_tie_that_the_reciprocal_product_misses_still_rounds_to_even()
    {
        var p = new QuantizationParameters(5.929817199707031f, 0);
        var values = Enumerable.Repeat(-44.473628997802734f, 64).ToArray();
        Assert.Equal(-7.5, (double)values[0] / p.Scale); // an exact tie
        var q = new sbyte[values.Length];
        Quantizer.Quantize<sbyte>(values, q, p);
        Assert.All(q, v => Assert.Equal(-8, v));
    }

    [Theory]
    [MemberData(nameof(Parameters))]
    public void Dequantize_equals_the_scalar_definition_bit_for_bit(float scale, int zeroPoint, bool signed)
    {
        var p = new QuantizationParameters(scale, zeroPoint);
        var all = Enumerable.Range(0, 3 * 256 + 7).Select(i => (byte)(i * 37 % 256)).ToArray(); // every byte, in a scrambled order
        foreach (int length in new[] { 0, 1, 31, 32, 33, 95, all.Length - 1 })
        {
            var y = new float[length + 16];
            y.AsSpan().Fill(-7.5f);
            if (signed) Quantizer.Dequantize<sbyte>(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, sbyte>(all.AsSpan(1, length)), y.AsSpan(0, length), p);
            else Quantizer.Dequantize<byte>(all.AsSpan(1, length), y.AsSpan(0, length), p);
            for (int i = 0; i < length; i++)
            {
                int q = signed ? (sbyte)all[1 + i] : all[1 + i];
                Assert.Equal(BitConverter.SingleToInt32Bits(p.Dequantize(q)), BitConverter.SingleToInt32Bits(y[i]));
            }
            for (int i = length; i < y.Length; i++) Assert.Equal(-7.5f, y[i]);
        }
    }
}
