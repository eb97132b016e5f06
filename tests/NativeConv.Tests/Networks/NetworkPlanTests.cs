using Xunit;
using Xunit.Abstractions;

namespace NativeConv.Tests;

/// <summary>
/// Networks planned over several backends: the measured plan runs within the derived bound, every
/// candidate plan (fused or not, each backend, the mix) does too, a saved plan loads and gives exactly the
/// same outputs, and a plan from another machine, version or network is refused with the reason while the
/// network measures instead.
/// </summary>
public class NetworkPlanTests(ITestOutputHelper log)
{
    private const int Size = 40;

    private static (IReadOnlyList<NetworkBlock> Blocks, float[] Input, BoundedTensor Expected) Case(string model, TensorLayout layout)
    {
        var (blocks, channels, _) = NetworkCases.Get(model);
        float[] x = NetworkCases.Rand(new Random(9), 2 * channels * Size * Size, 1);
        var shape = new TensorShape(2, channels, Size, Size);
        return (blocks, x, NetworkEvaluation.Run(blocks, BoundedTensor.Exact(x, shape, layout), foldedFromBatchNorm: false));
    }

    private static void AssertWithinFirstOrderBound(float[] y, BoundedTensor expected, TensorLayout layout, string what)
    {
        for (int i = 0; i < expected.Value.Length; i++)
        {
            double actual = y[expected.IndexIn(layout, i)], bound = expected.RelativeBudget * expected.Magnitude[i];
            Assert.True(Math.Abs(actual - expected.Value[i]) <= bound, $"{what}: output {i}: {actual} vs {expected.Value[i]} (first-order bound {bound:e3})");
        }
    }

    [SkippableTheory]
    [InlineData("v3-small", TensorLayout.Nchw)]
    [InlineData("v2", TensorLayout.Nhwc)]
    [InlineData("v1-body", TensorLayout.Nchw)]
    public void The_measured_plan_and_every_candidate_stay_within_the_bound(string model, TensorLayout layout)
    {
        foreach (string name in TestBackends.Native) TestBackends.GetOrSkip(name);
        var (blocks, x, expected) = Case(model, layout);
        using var network = new ConvNetwork(blocks, TestBackends.All, layout, candidates: TestBackends.Native);
        var y = new float[expected.Value.Length];
        network.Forward(x, y, 2, Size, Size);
        NetworkPlan plan = network.PlanFor(2, Size, Size)!;
        log.WriteLine($"{model} {layout}: {plan}");
        Assert.Equal("auto", network.BackendName);
        Assert.True(plan.MeasuredMicroseconds.Count >= 3, "each backend alone and the fused form were measured");
        Assert.Contains(plan.Chosen, plan.MeasuredMicroseconds.Keys);
        AssertWithinFirstOrderBound(y, expected, layout, $"{model} measured plan {plan.Chosen}");

        // Every candidate pinned in turn: fused and unfused, each backend and its single-threaded form, threads per op, the mix.
        foreach (string candidate in plan.MeasuredMicroseconds.Keys)
        {
            NetworkPlan pinned = Candidate(plan, candidate, blocks);
            using var again = new ConvNetwork(blocks, TestBackends.All, layout, pinned, TestBackends.Native);
            var z = new float[y.Length];
            again.Forward(x, z, 2, Size, Size);
            Assert.Null(again.PlanRejection);
            Assert.Equal(candidate, again.PlanFor(2, Size, Size)!.Chosen);
            AssertWithinFirstOrderBound(z, expected, layout, $"{model} candidate {candidate}");
        }
    }

    /// <summary>The plan a candidate stands for: every convolution on one backend, fused or not ("mixed" is the measured plan's own assignment when chosen, else the per-op fastest is not recorded, so the chosen assignment stands in).</summary>
    private static NetworkPlan Candidate(NetworkPlan measured, string candidate, IReadOnlyList<NetworkBlock> blocks)
    {
        if (candidate == measured.Chosen) return measured with { MeasuredMicroseconds = new Dictionary<string, double>() };
        if (candidate.EndsWith(NetworkPlanner.WholeSuffix, StringComparison.Ordinal)) // "xnnpack graph": every convolution in its runtime
            return measured with
            {
                Chosen = candidate, Backends = measured.Backends.Select(_ => candidate[..^NetworkPlanner.WholeSuffix.Length]).ToList(),
                FuseResidualSums = false, WholeNetwork = true, MeasuredMicroseconds = new Dictionary<string, double>(),
            };
        // "onednn+sum threads per op": one library, each convolution on its pool or on the calling thread ("onednn/1");
        // its exact assignment is not kept unless chosen either, so every other convolution takes one thread.
        const string perOperation = " threads per op";
        bool threadsPerOp = candidate.EndsWith(perOperation, StringComparison.Ordinal);
        string core = threadsPerOp ? candidate[..^perOperation.Length] : candidate;
        string backend = core.Replace("+sum", "", StringComparison.Ordinal);
        if (backend == "mixed") backend = OneDnnBackend.BackendName; // its exact assignment is not kept unless chosen
        return measured with
        {
            Chosen = candidate, Backends = measured.Backends.Select((_, i) => threadsPerOp && i % 2 == 1 ? backend + "/1" : backend).ToList(),
            FuseResidualSums = core.EndsWith("+sum", StringComparison.Ordinal), WholeNetwork = false, MeasuredMicroseconds = new Dictionary<string, double>(),
        };
    }

    [SkippableFact]
    public void A_saved_plan_loads_and_gives_exactly_the_same_outputs()
    {
        foreach (string name in TestBackends.Native) TestBackends.GetOrSkip(name);
        var (blocks, x, _) = Case("v3-small", TensorLayout.Nhwc);
        var y = new float[1000 * 2];
        NetworkPlan plan;
        using (var network = new ConvNetwork(blocks, TestBackends.All, TensorLayout.Nhwc, candidates: TestBackends.Native))
        {
            network.Forward(x, y, 2, Size, Size);
            plan = network.PlanFor(2, Size, Size)!;
        }
        string path = Path.Combine(Directory.CreateTempSubdirectory("nativeconv-plan-").FullName, "plan.json");
        plan.Save(path);
        NetworkPlan loaded = NetworkPlan.Load(path);
        Assert.Equal(plan.ToJson(), loaded.ToJson());
        using var again = new ConvNetwork(blocks, TestBackends.All, TensorLayout.Nhwc, loaded, TestBackends.Native);
        var z = new float[y.Length];
        again.Forward(x, z, 2, Size, Size);
        Assert.Null(again.PlanRejection);
        Assert.Same(loaded, again.PlanFor(2, Size, Size)); // followed as loaded, not measured again
        Assert.Equal(y, z);
    }

    public static TheoryData<string, string> ForeignPlans() => new()
    {
        { "machine", "measured on another machine" },
        { "versions", "measured with other versions" },
        { "network", "measured for another network" },
        { "backend", "uses backend 'cudnn'" },
        { "whole on onednn", "runs the network whole on 'onednn', which needs one backend that can" },
    };

    [SkippableTheory]
    [MemberData(nameof(ForeignPlans))]
    public void A_foreign_plan_is_refused_with_the_reason_and_the_network_measures(string what, string reason)
    {
        foreach (string name in TestBackends.Native) TestBackends.GetOrSkip(name);
        var (blocks, x, expected) = Case("v3-small", TensorLayout.Nchw);
        var y = new float[expected.Value.Length];
        NetworkPlan plan;
        using (var network = new ConvNetwork(blocks, TestBackends.All, TensorLayout.Nchw, candidates: TestBackends.Native))
        {
            network.Forward(x, y, 2, Size, Size);
            plan = network.PlanFor(2, Size, Size)!;
        }
        NetworkPlan foreign = what switch
        {
            "machine" => plan with { Machine = "Some Other CPU; avx2; 64 processors" },
            "versions" => plan with { Versions = "NativeConv 9.9.9; oneDNN 4.0; XNNPACK 1" },
            "network" => plan with { Network = "0123456789abcdef" },
            "whole on onednn" => plan with { Backends = plan.Backends.Select(_ => OneDnnBackend.BackendName).ToList(), WholeNetwork = true },
            _ => plan with { Backends = plan.Backends.Select(_ => "cudnn").ToList() },
        };
        using var again = new ConvNetwork(blocks, TestBackends.All, TensorLayout.Nchw, NetworkPlan.FromJson(foreign.ToJson()), TestBackends.Native);
        Assert.Contains(reason, again.PlanRejection);
        again.Forward(x, y, 2, Size, Size);
        Assert.NotEmpty(again.PlanFor(2, Size, Size)!.MeasuredMicroseconds); // measured instead
        AssertWithinFirstOrderBound(y, expected, TensorLayout.Nchw, "after a refused plan");
    }

    [Fact]
    public void A_plan_file_that_is_not_a_plan_says_so()
    {
        Assert.Throws<FormatException>(() => NetworkPlan.FromJson("{ \"format\": 7 }"));
        var e = Assert.Throws<FormatException>(() => NetworkPlan.FromJson("not json"));
        Assert.Contains("not a network plan", e.Message);
    }
}
