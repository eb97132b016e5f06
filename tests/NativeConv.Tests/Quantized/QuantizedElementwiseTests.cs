using Xunit;

namespace NativeConv.Tests;

/// <summary>
/// The quantized add and average pool against their rules evaluated one element at a time in double
/// precision where that is exact: the add's rule is float32 arithmetic, so its scalar form is recomputed
/// here operation by operation in float32 (each product and the sum rounded, no fused multiply-add); the
/// pool's integer sum is exact. Lengths that are not multiples of the vector width exercise the tails; the
/// zero points sit at the range ends too.
/// </summary>
public unsafe class QuantizedElementwiseTests
{
    [Theory]
    [InlineData(false, 1000, 0.02f, 0, 0.05f, 255, 0.04f, 128)]
    [InlineData(true, 77, 0.1f, -128, 0.03f, 127, 0.07f, 5)]
    [InlineData(false, 4099, 0.5f, 17, 0.5f, 17, 0.9f, 200)]
    public void The_add_follows_its_rule_on_every_element(bool signed, int length, float sa, int za, float sb, int zb, float sy, int zy)
    {
        var left = new QuantizationParameters(sa, za);
        var right = new QuantizationParameters(sb, zb);
        var output = new QuantizationParameters(sy, zy);
        var r = new Random(length);
        byte[] a = new byte[length], b = new byte[length], y = new byte[length];
        r.NextBytes(a);
        r.NextBytes(b);
        var add = new QuantizedAdd(left, right, output, signed);
        fixed (byte* pa = a, pb = b, py = y) add.Run(pa, pb, py, length);

        float ma = sa / sy, mb = sb / sy;
        int min = signed ? -128 : 0, max = signed ? 127 : 255;
        for (int i = 0; i < length; i++)
        {
            int qa = signed ? (sbyte)a[i] : a[i], qb = signed ? (sbyte)b[i] : b[i];
            float pa = ma * (float)(qa - za), pb = mb * (float)(qb - zb);
            float v = pa + pb;
            int expected = Math.Clamp((int)MathF.Round(v, MidpointRounding.ToEven) + zy, min, max);
            int got = signed ? (sbyte)y[i] : y[i];
            Assert.True(expected == got, $"element {i}: {qa} + {qb} gave {got}, the rule {expected}");
        }

        fixed (byte* pa = a, pb = b) add.Run(pa, pb, pa, length); // in place over the left input, as networks run it
        Assert.Equal(y, a);
    }

    [Theory]
    [InlineData(false, 2, 7, 7, 1280, 0.03f, 3, 0.01f, 100)]
    [InlineData(true, 1, 5, 3, 37, 0.2f, -128, 0.05f, 127)]
    public void The_average_pool_follows_its_rule_on_every_channel(bool signed, int batch, int height, int width, int channels,
        float sx, int zx, float sy, int zy)
    {
        var shape = new TensorShape(batch, channels, height, width);
        var x = new byte[shape.Length];
        new Random(channels).NextBytes(x);
        var y = new byte[batch * channels];
        var pool = new QuantizedAveragePool(new QuantizationParameters(sx, zx), new QuantizationParameters(sy, zy), signed);
        pool.Prepare(channels);
        fixed (byte* px = x, py = y) pool.Run(px, py, shape);

        int pixels = height * width, min = signed ? -128 : 0, max = signed ? 127 : 255;
        float m = sx / (sy * pixels);
        for (int n = 0; n < batch; n++)
            for (int c = 0; c < channels; c++)
            {
                long sum = 0;
                for (int p = 0; p < pixels; p++) sum += signed ? (sbyte)x[(n * pixels + p) * channels + c] : x[(n * pixels + p) * channels + c];
                float v = m * (float)(sum - (long)pixels * zx);
                int expected = Math.Clamp((int)MathF.Round(v, MidpointRounding.ToEven) + zy, min, max);
                int got = signed ? (sbyte)y[n * channels + c] : y[n * channels + c];
                Assert.True(expected == got, $"image {n} channel {c}: {got}, the rule {expected}");
            }
    }
}
