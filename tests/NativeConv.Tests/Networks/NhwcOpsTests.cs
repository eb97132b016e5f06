using Xunit;

namespace NativeConv.Tests;

/// <summary>
/// The managed operations between convolutions on shapes that reach every loop's tail: channel counts around the
/// vector width, pixel counts around the pool's four partial sums, two images; guard values after each output.
/// </summary>
public unsafe class NhwcOpsTests
{
    private const float Guard = -12345f;

    public static TheoryData<int, int, int> Shapes()
    {
        var data = new TheoryData<int, int, int>();
        foreach (int channels in new[] { 1, 3, 7, 8, 9, 16, 17, 33 })
            foreach (var (h, w) in new[] { (1, 1), (1, 2), (1, 3), (1, 5), (2, 3), (7, 7) })
                data.Add(channels, h, w);
        return data;
    }

    /// <summary>
    /// Within the derived bound of the exact mean: a float sum of m terms in any order is within (m − 1)·u·Σ|x| of the
    /// exact sum, the rounded 1/m and the product add u each (relative), so 2(m + 1)·u·Σ|x| / m covers it.
    /// </summary>
    [Theory]
    [MemberData(nameof(Shapes))]
    public void Global_average_pool_is_within_the_bound_of_the_exact_mean(int channels, int height, int width)
    {
        var shape = new TensorShape(2, channels, height, width);
        float[] x = NetworkCases.Rand(new Random(channels * 31 + height * 7 + width), shape.Length, 1);
        int pixels = height * width;
        var y = new float[2 * channels + 4];
        Array.Fill(y, Guard);
        fixed (float* px = x)
        fixed (float* py = y)
            NhwcOps.GlobalAveragePool(px, py, shape);
        const double U = 1.0 / (1 << 24);
        for (int n = 0; n < 2; n++)
            for (int c = 0; c < channels; c++)
            {
                double exact = 0, magnitude = 0;
                for (int p = 0; p < pixels; p++)
                {
                    double v = x[((long)n * pixels + p) * channels + c];
                    exact += v;
                    magnitude += Math.Abs(v);
                }
                double bound = 2.0 * (pixels + 1) * U * magnitude / pixels;
                Assert.True(Math.Abs(y[n * channels + c] - exact / pixels) <= bound, $"image {n} channel {c}: {y[n * channels + c]} vs {exact / pixels}, bound {bound:e3}");
            }
        Assert.All(y[(2 * channels)..], v => Assert.Equal(Guard, v));
    }

    /// <summary>One float multiply per element: exactly the product, in place or not.</summary>
    [Theory]
    [MemberData(nameof(Shapes))]
    public void Channel_scale_is_exactly_the_products(int channels, int height, int width)
    {
        var shape = new TensorShape(2, channels, height, width);
        float[] x = NetworkCases.Rand(new Random(channels + height * 13 + width * 17), shape.Length, 1);
        float[] s = NetworkCases.Rand(new Random(channels), 2 * channels, 1);
        var y = new float[shape.Length + 4];
        Array.Fill(y, Guard);
        float[] inPlace = (float[])x.Clone();
        fixed (float* px = x)
        fixed (float* ps = s)
        fixed (float* py = y)
        fixed (float* pi = inPlace)
        {
            NhwcOps.ChannelScale(px, ps, py, shape);
            NhwcOps.ChannelScale(pi, ps, pi, shape);
        }
        int pixels = height * width;
        for (int i = 0; i < shape.Length; i++)
        {
            float expected = x[i] * s[i / (pixels * channels) * channels + i % channels];
            Assert.Equal(expected, y[i]);
            Assert.Equal(expected, inPlace[i]);
        }
        Assert.All(y[shape.Length..], v => Assert.Equal(Guard, v));
    }
}
