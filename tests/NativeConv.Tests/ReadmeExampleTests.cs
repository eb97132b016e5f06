using Xunit;

namespace NativeConv.Tests;

/// <summary>The README's usage example, kept honest: the same lines, on every backend.</summary>
public class ReadmeExampleTests
{
    [SkippableTheory]
    [InlineData("onednn")]
    [InlineData("xnnpack")]
    [InlineData("reference")]
    public void Readme_example_runs(string backendName)
    {
        TestBackends.GetOrSkip(backendName);
        var r = new Random(1);
        float[] Rand(int n) => Enumerable.Range(0, n).Select(_ => (float)r.NextDouble() - 0.5f).ToArray();
        float[] dwWeights = Rand(32 * 1 * 3 * 3), pwWeights = Rand(64 * 32 * 1 * 1), image = Rand(1 * 32 * 56 * 56);

        // --- README example (keep in sync with README.md) ---
        using var backends = new ConvBackends(new NativeConvOptions { Threads = 2 });
        using var block = new DepthwiseSeparableConv2d(32, 64, kernel: 3,
            dwWeights, depthwiseBias: [], pwWeights, pointwiseBias: [],      // PyTorch order (out, in/groups, kh, kw)
            backends.Get(backendName), new DepthwiseSeparableOptions { Padding = 1, Layout = TensorLayout.Nchw });
        var output = new float[block.Geometry(1, 56, 56).OutputLength];     // 1 x 64 x 56 x 56
        block.Forward(image, output, batch: 1, height: 56, width: 56);
        // --- end of README example ---

        Assert.Equal(64 * 56 * 56, output.Length);
        Assert.Contains(output, v => v > 0);
        Assert.DoesNotContain(output, v => v < 0 || float.IsNaN(v)); // ReLU after the pointwise half
    }
}
