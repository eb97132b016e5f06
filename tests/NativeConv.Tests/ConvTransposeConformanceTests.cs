using Xunit;
using Xunit.Abstractions;

namespace NativeConv.Tests;

/// <summary>
/// Transposed convolution on every registered backend against the reference, on the seeded set in both layouts, as
/// <see cref="ConformanceTests"/> does for convolution: canaries around the output, input and weights unchanged,
/// integer-valued cases exact, random ones within <see cref="ErrorBound"/>. The plugged-in managed backend has no
/// transposed convolution of its own: it runs on the reference fallback, and these cases check that it does.
/// </summary>
public class ConvTransposeConformanceTests(ITestOutputHelper output, ConformanceSummary summary) : IClassFixture<ConformanceSummary>
{
    public static TheoryData<string, int, TensorLayout> Cases() =>
        TestBackends.Rows(TestBackends.UnderTest, Enumerable.Range(0, ConvTransposeCases.Count), TestBackends.Layouts);

    [Fact]
    public void The_set_has_at_least_300_cases_and_covers_its_corners()
    {
        IReadOnlyList<ConvTransposeCase> all = ConvTransposeCases.All;
        Assert.True(all.Count >= 300, $"{all.Count} cases");
        Assert.Contains(all, c => c.Spec.Groups == 1 && c.Spec.InChannels > 1);
        Assert.Contains(all, c => c.Spec.Groups > 1 && !c.Spec.IsDepthwise);
        Assert.Contains(all, c => c.Spec.IsDepthwise && c.Spec.ChannelMultiplier == 1 && c.Spec.InChannels > 1);
        Assert.Contains(all, c => c.Spec.IsDepthwise && c.Spec.ChannelMultiplier > 1);
        Assert.Contains(all, c => c.Spec.InChannels == 256 || c.Spec.OutChannels == 256);
        Assert.Contains(all, c => c.Height == 64);
        Assert.Contains(all, c => c.Height == 1 && c.Width == 1);
        for (int k = 1; k <= 7; k++) Assert.Contains(all, c => c.Spec.Kernel.Height == k);
        for (int s = 1; s <= 4; s++) Assert.Contains(all, c => c.Spec.Stride.Height == s);
        for (int d = 1; d <= 3; d++) Assert.Contains(all, c => c.Spec.Dilation.Height == d);
        for (int n = 1; n <= 3; n++) Assert.Contains(all, c => c.Batch == n);
        Assert.Contains(all, c => c.Spec.Padding.Top != c.Spec.Padding.Bottom || c.Spec.Padding.Left != c.Spec.Padding.Right);
        Assert.Contains(all, c => c.Spec.OutputPadding.Height > 0);
        Assert.Contains(all, c => TransposedLowering.Of(c.Spec).ExtendsInput);
        Assert.Contains(all, c => c.Spec.Stride.Height > c.Spec.EffectiveKernel.Height);
        foreach (ActivationKind kind in Enum.GetValues<ActivationKind>()) Assert.Contains(all, c => c.Spec.Activation.Kind == kind);
        Assert.Contains(all, c => c.IntegerData);
        Assert.Contains(all, c => !c.IntegerData);
        Assert.Contains(all, c => !c.Spec.HasBias);
    }

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void Backend_matches_the_reference(string backendName, int index, TensorLayout layout)
    {
        ConvTransposeCase c = ConvTransposeCases.All[index];
        ConvBackend backend = TestBackends.GetOrSkip(backendName);
        output.WriteLine($"{c} {layout}");
        var (input, weights, bias) = c.Data();
        // The reference scatters in another order than the gather of the exact evaluation: one float step apart at most.
        var (problem, worst) = ConformanceRun.Check(c.Spec, layout, c.Batch, c.Height, c.Width, c.IntegerData, (input, weights, bias), backend,
            b => new ConvTranspose2dLayer(c.Spec, weights, bias, b, layout), ExpectedConvTranspose.Compute,
            referenceSteps: c.IntegerData ? 0 : 1, output.WriteLine);
        summary.Record($"{backendName} transposed", worst, $"{c} {layout}");
        output.WriteLine($"largest |error|/bound: {worst:e3}");
        Assert.Null(problem);
    }
}
