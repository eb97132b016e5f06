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
    private const int Guard = 64;
    private const float GuardValue = -123.25f;

    public static TheoryData<string, int> Cases()
    {
        var data = new TheoryData<string, int>();
        foreach (string backend in TestBackends.UnderTest) // every registered backend but the reference, a plugged-in one too
            for (int i = 0; i < ConformanceCases.Count; i++)
                data.Add(backend, i);
        return data;
    }

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void Backend_matches_the_reference(string backendName, int index)
    {
        ConformanceCase c = ConformanceCases.All[index];
        ConvBackend backend = TestBackends.GetOrSkip(backendName);
        output.WriteLine(c.ToString());
        var (input, weights, bias) = c.Data();
        float[] inputBefore = input.ToArray(), weightsBefore = weights.ToArray();
        ConvGeometry g = c.Spec.Geometry(c.Batch, c.Height, c.Width);

        var expected = new float[g.OutputLength];
        using (var reference = new Conv2dLayer(c.Spec, weights, bias, new ReferenceBackend(), c.Layout))
            reference.Forward(input, expected, c.Batch, c.Height, c.Width);

        var guarded = new float[g.OutputLength + 2 * Guard];
        Array.Fill(guarded, GuardValue);
        using (var layer = new Conv2dLayer(c.Spec, weights, bias, backend, c.Layout))
        {
            layer.Forward(input, guarded.AsSpan(Guard, g.OutputLength), c.Batch, c.Height, c.Width);
            output.WriteLine($"{backendName}: {layer.ImplementationName}; {layer.Capabilities}");
        }

        Assert.True(guarded.AsSpan(0, Guard).ToArray().All(v => v == GuardValue), "write before the output buffer");
        Assert.True(guarded.AsSpan(Guard + g.OutputLength).ToArray().All(v => v == GuardValue), "write after the output buffer");
        Assert.Equal(inputBefore, input);
        Assert.Equal(weightsBefore, weights);

        var (pre, absSum) = ExpectedConvolution.Compute(c.Spec, c.Layout, g, input, weights, bias);
        double worst = 0;
        int failures = 0;
        for (int o = 0; o < g.OutputLength; o++)
        {
            // The reference is the exact value rounded once to float.
            float exact = (float)c.Spec.Activation.Apply(pre[o]);
            if (expected[o] != exact) Assert.Fail($"reference output {o} = {expected[o]}, exact {exact}");
            float actual = guarded[Guard + o];
            double error = Math.Abs((double)actual - expected[o]);
            double bound = ErrorBound.For(c.Spec, pre[o], absSum[o], c.IntegerData);
            if (!(error <= bound) && failures++ < 5)
                output.WriteLine($"output {o}: {actual} vs reference {expected[o]}: |error| {error:e3} > bound {bound:e3}");
            if (error > 0) worst = Math.Max(worst, bound > 0 ? error / bound : double.PositiveInfinity);
        }
        summary.Record(backendName, worst, c.ToString());
        output.WriteLine($"largest |error|/bound: {worst:e3}");
        Assert.Equal(0, failures);
    }
}
