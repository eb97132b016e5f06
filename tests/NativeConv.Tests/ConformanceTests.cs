using Xunit;
using Xunit.Abstractions;

namespace NativeConv.Tests;

/// <summary>
/// Every registered backend (the native ones, and the managed one registered as a user's would be) against the reference on the seeded case set, with canaries: guard regions
/// around the output must stay untouched, and input and weights must be unchanged afterwards.
/// Integer-valued cases must match exactly; random ones within <see cref="ErrorBound"/>.
/// </summary>
public class ConformanceTests(ITestOutputHelper output, ConformanceSummary summary) : IClassFixture<ConformanceSummary>
{
    public static TheoryData<string, int> Cases()
    {
        var data = new TheoryData<string, int>();
        foreach (string backend in TestBackends.UnderTest) // every registered backend but the reference, a plugged-in one too
            for (int i = 0; i < ConformanceCases.Count; i++)
                data.Add(backend, i);
        return data;
    }

    [Fact]
    public void The_set_has_every_activation_in_both_layouts()
    {
        foreach (ActivationKind kind in Enum.GetValues<ActivationKind>())
            foreach (TensorLayout layout in TestBackends.Layouts)
                Assert.Contains(ConformanceCases.All, c => c.Spec.Activation.Kind == kind && c.Layout == layout);
    }

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void Backend_matches_the_reference(string backendName, int index)
    {
        ConformanceCase c = ConformanceCases.All[index];
        ConvBackend backend = TestBackends.GetOrSkip(backendName);
        output.WriteLine(c.ToString());
        var (input, weights, bias) = c.Data();
        // The reference is the exact value rounded once to float: it sums in the exact evaluation's order.
        var (problem, worst) = ConformanceRun.Check(c.Spec, c.Layout, c.Batch, c.Height, c.Width, c.IntegerData, (input, weights, bias), backend,
            b => new Conv2dLayer(c.Spec, weights, bias, b, c.Layout), ExpectedConvolution.Compute, referenceSteps: 0, output.WriteLine);
        summary.Record(backendName, worst, c.ToString());
        output.WriteLine($"largest |error|/bound: {worst:e3}");
        Assert.Null(problem);
    }
}
