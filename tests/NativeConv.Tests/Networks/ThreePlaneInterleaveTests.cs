using Xunit;

namespace NativeConv.Tests;

/// <summary>The three-channel NCHW → NHWC transpose: exactly the index transpose, every tail length, nothing written past the output.</summary>
public unsafe class ThreePlaneInterleaveTests
{
    [SkippableTheory]
    [InlineData(1, 1)]
    [InlineData(1, 7)]
    [InlineData(1, 8)]
    [InlineData(2, 9)]
    [InlineData(2, 23)]
    [InlineData(3, 224 * 224)]
    public void Equals_the_transpose_by_index(int batch, int pixels)
    {
        Skip.IfNot(ThreePlaneInterleave.IsSupported, "needs AVX2");
        float[] x = NetworkCases.Rand(new Random(pixels), batch * 3 * pixels, 1);
        var y = new float[x.Length + 8];
        Array.Fill(y, float.NaN);
        fixed (float* px = x)
        fixed (float* py = y)
        {
            using var transform = new ThreePlaneInterleave(batch, pixels);
            transform.Run(px, py);
        }
        for (int n = 0; n < batch; n++)
            for (int c = 0; c < 3; c++)
                for (int p = 0; p < pixels; p++)
                    Assert.Equal(x[(n * 3 + c) * pixels + p], y[(n * pixels + p) * 3 + c]);
        Assert.All(y[x.Length..], v => Assert.True(float.IsNaN(v)));
    }
}
