using Xunit;
using Xunit.Abstractions;

namespace NativeConv.Tests;

/// <summary>
/// Networks planned over several backends: the measured plan runs within the derived bound, and so does every
/// candidate it measured, pinned in turn; a saved plan loads and gives exactly the same outputs; a plan from another
/// machine, version or network is refused with the reason while the network measures instead.
/// </summary>
public class NetworkPlanTests(ITestOutputHelper log)
{
    private const int Size = 40;

    private static (IReadOnlyList<NetworkBlock> Blocks, float[] Input, ReferenceTensor Expected) Case(string model, TensorLayout layout, int batch = 2)
    {
        var (blocks, channels, _) = NetworkCases.Get(model);
        float[] x = NetworkCases.Rand(new Random(9), batch * channels * Size * Size, 1);
        var shape = new TensorShape(batch, channels, Size, Size);
        return (blocks, x, NetworkEvaluation.Run(blocks, ReferenceTensor.Exact(x, shape, layout), foldedFromBatchNorm: false));
    }

    internal static void AssertWithinFirstOrderBound(float[] y, ReferenceTensor expected, TensorLayout layout, string what)
    {
        for (int i = 0; i < expected.Value.Length; i++)
        {
            double actual = y[expected.IndexIn(layout, i)], bound = expected.RelativeBudget * expected.Magnitude[i];
            Assert.True(Math.Abs(actual - expected.Value[i]) <= bound, $"{what}: output {i}: {actual} vs {expected.Value[i]} (first-order bound {bound:e3})");
        }
    }

    /// <summary>Auto over the native backends, with a budget that lets every candidate run (the default one is for production).</summary>
    internal static NetworkOptions Auto(TensorLayout layout, NetworkPlan? plan = null) =>
        new() { Layout = layout, Candidates = TestBackends.Native, PlanningBudget = TimeSpan.FromSeconds(2), Plan = plan };

    [SkippableTheory]
    [InlineData("v3-small", TensorLayout.Nchw, 2)]
    [InlineData("v2", TensorLayout.Nhwc, 1)]
    [InlineData("v1-body", TensorLayout.Nchw, 2)]
    public void The_measured_plan_and_every_candidate_it_measured_stay_within_the_bound(string model, TensorLayout layout, int batch)
    {
        foreach (string name in TestBackends.Native) TestBackends.GetOrSkip(name);
        var (blocks, x, expected) = Case(model, layout, batch);
        using var network = new ConvNetwork(blocks, TestBackends.All, Auto(layout));
        var y = new float[expected.Value.Length];
        network.Forward(x, y, batch, Size, Size);
        NetworkPlan plan = network.PlanFor(batch, Size, Size)!;
        log.WriteLine($"{model} {layout}: {plan}");
        Assert.Equal("auto", network.BackendName);
        foreach (string backend in TestBackends.Native) // each backend alone was a candidate
            Assert.Contains(plan.Measured, t => t.Candidate.Equals(Candidate.Single(backend, network.OperationCount)));
        Assert.Contains(plan.Measured, t => t.Candidate.Equals(plan.Chosen));
        if (batch > 1) Assert.Contains(plan.Measured, t => t.Candidate.Split == BatchSplit.ImagesAcrossThreads);
        AssertWithinFirstOrderBound(y, expected, layout, $"{model} measured plan {plan.Chosen}");

        // Every measured candidate pinned in turn, as a plan file would give it.
        foreach (CandidateTime measured in plan.Measured)
        {
            NetworkPlan pinned = NetworkPlan.FromJson((plan with { Chosen = measured.Candidate, Measured = [] }).ToJson());
            using var again = new ConvNetwork(blocks, TestBackends.All, Auto(layout, pinned));
            Assert.Null(again.PlanRejection);
            var z = new float[y.Length];
            again.Forward(x, z, batch, Size, Size);
            Assert.Equal(measured.Candidate, again.PlanFor(batch, Size, Size)!.Chosen);
            AssertWithinFirstOrderBound(z, expected, layout, $"{model} candidate {measured.Candidate}");
        }
    }

    [SkippableFact]
    public void Auto_plans_in_the_first_call_only_and_every_later_call_runs_that_plan()
    {
        foreach (string name in TestBackends.Native) TestBackends.GetOrSkip(name);
        var (blocks, x, expected) = Case("v3-small", TensorLayout.Nhwc, 1);
        using var network = new ConvNetwork(blocks, TestBackends.All, Auto(TensorLayout.Nhwc));
        Assert.Null(network.PlanFor(1, Size, Size)); // nothing measured before a call
        var first = new float[expected.Value.Length];
        network.Forward(x, first, 1, Size, Size);
        NetworkPlan plan = network.PlanFor(1, Size, Size)!;
        for (int call = 2; call <= 10; call++)
        {
            var y = new float[first.Length];
            network.Forward(x, y, 1, Size, Size);
            Assert.Same(plan, network.PlanFor(1, Size, Size)); // not measured again
            Assert.Equal(first, y); // the same program: the same bits
        }
    }

    [SkippableFact]
    public void A_saved_plan_loads_and_gives_exactly_the_same_outputs()
    {
        foreach (string name in TestBackends.Native) TestBackends.GetOrSkip(name);
        var (blocks, x, _) = Case("v3-small", TensorLayout.Nhwc);
        var y = new float[1000 * 2];
        NetworkPlan plan;
        using (var network = new ConvNetwork(blocks, TestBackends.All, Auto(TensorLayout.Nhwc)))
        {
            network.Forward(x, y, 2, Size, Size);
            plan = network.PlanFor(2, Size, Size)!;
        }
        string path = Path.Combine(Directory.CreateTempSubdirectory("nativeconv-plan-").FullName, "plan.json");
        plan.Save(path);
        NetworkPlan loaded = NetworkPlan.Load(path);
        Assert.Equal(plan.ToJson(), loaded.ToJson());
        using var again = new ConvNetwork(blocks, TestBackends.All, Auto(TensorLayout.Nhwc, loaded));
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
        { "operations", "names the backends of 3 operations" },
        { "backend", "uses backend 'cudnn'" },
        { "whole", "runs the network whole" },
        { "whole mixed", "runs the network whole on more than one backend" },
        { "split of one", "shares the images of a batch of one" },
        { "split", "its batch split (7) is none of AllAtOnce, ImagesAcrossThreads" },
    };

    [SkippableTheory]
    [MemberData(nameof(ForeignPlans))]
    public void A_foreign_plan_is_refused_with_the_reason_and_the_network_measures(string what, string reason)
    {
        foreach (string name in TestBackends.Native) TestBackends.GetOrSkip(name);
        var (blocks, x, expected) = Case("v3-small", TensorLayout.Nchw);
        var y = new float[expected.Value.Length];
        NetworkPlan plan;
        using (var network = new ConvNetwork(blocks, TestBackends.All, Auto(TensorLayout.Nchw)))
        {
            network.Forward(x, y, 2, Size, Size);
            plan = network.PlanFor(2, Size, Size)!;
        }
        int ops = plan.Chosen.Backends.Count;
        string[] mixed = Enumerable.Range(0, ops).Select(i => TestBackends.Native[i % 2]).ToArray();
        NetworkPlan foreign = what switch
        {
            "machine" => plan with { Machine = "Some Other CPU; avx2; 64 processors" },
            "versions" => plan with { Versions = "NativeConv 9.9.9; oneDNN 4.0; XNNPACK 1" },
            "network" => plan with { Network = "0123456789abcdef" },
            "operations" => plan with { Chosen = new Candidate([OneDnnBackend.BackendName, OneDnnBackend.BackendName, OneDnnBackend.BackendName]) },
            "whole" => plan with { Chosen = Candidate.Single(XnnpackBackend.BackendName, ops, wholeRuntime: true) },
            "whole mixed" => plan with { Chosen = new Candidate(mixed, wholeRuntime: true) },
            "split of one" => plan with { Inputs = [plan.Inputs[0] with { Batch = 1 }], Chosen = plan.Chosen.WithSplit(BatchSplit.ImagesAcrossThreads) },
            "split" => plan with { Chosen = plan.Chosen.WithSplit((BatchSplit)7) }, // a file can say 7: the enum reads numbers too
            _ => plan with { Chosen = Candidate.Single("cudnn", ops) },
        };
        using var again = new ConvNetwork(blocks, TestBackends.All, Auto(TensorLayout.Nchw, NetworkPlan.FromJson(foreign.ToJson())));
        Assert.Contains(reason, again.PlanRejection);
        Array.Fill(y, float.NaN);
        again.Forward(x, y, 2, Size, Size);
        Assert.NotEmpty(again.PlanFor(2, Size, Size)!.Measured); // measured instead
        AssertWithinFirstOrderBound(y, expected, TensorLayout.Nchw, "after a refused plan");
    }

    [SkippableTheory]
    [InlineData(BatchSplit.AllAtOnce, TensorLayout.Nchw)]
    [InlineData(BatchSplit.ImagesAcrossThreads, TensorLayout.Nchw)]
    [InlineData(BatchSplit.ImagesAcrossThreads, TensorLayout.Nhwc)]
    public void Every_split_runs_an_odd_batch_within_the_bound_on_every_backend_and_on_a_mix(BatchSplit split, TensorLayout layout)
    {
        foreach (string name in TestBackends.Native) TestBackends.GetOrSkip(name);
        const int batch = 3; // across 2 threads: 1 image on the calling thread, 2 on the worker
        var (blocks, x, expected) = Case("v3-small", layout, batch);
        using var template = new ConvNetwork(blocks, TestBackends.All, Auto(layout) with { PlanningBudget = TimeSpan.Zero });
        template.Forward(x, new float[expected.Value.Length], batch, Size, Size);
        NetworkPlan measured = template.PlanFor(batch, Size, Size)!;
        int ops = template.OperationCount;
        foreach (var (backends, whole) in new[]
        {
            (Enumerable.Repeat(OneDnnBackend.BackendName, ops).ToArray(), false),
            (Enumerable.Repeat(XnnpackBackend.BackendName, ops).ToArray(), false),
            (Enumerable.Repeat(XnnpackBackend.BackendName, ops).ToArray(), true), // XNNPACK's subgraph runtime, one per thread
            (Enumerable.Range(0, ops).Select(i => TestBackends.Native[i / 3 % 2]).ToArray(), false), // some residual adds fused, some not
        })
        {
            NetworkPlan pinned = measured with { Chosen = new Candidate(backends, split, whole), Measured = [] };
            using var network = new ConvNetwork(blocks, TestBackends.All, Auto(layout, pinned) with { WholeRuntime = whole });
            var y = new float[expected.Value.Length];
            float[] before = (float[])x.Clone();
            for (int call = 0; call < 2; call++) // the second call runs on the workers' warm state
            {
                Array.Fill(y, float.NaN);
                network.Forward(x, y, batch, Size, Size);
                Assert.Null(network.PlanRejection);
                Assert.Same(pinned, network.PlanFor(batch, Size, Size));
                AssertWithinFirstOrderBound(y, expected, layout, $"{pinned.Chosen}, call {call}");
            }
            Assert.Equal(before, x); // the input is read, never written
        }
    }

    [SkippableFact]
    public void A_plan_that_shares_images_between_threads_is_refused_where_the_backends_run_on_one_thread()
    {
        foreach (string name in TestBackends.Native) TestBackends.GetOrSkip(name);
        const int batch = 2;
        var (blocks, x, expected) = Case("v3-small", TensorLayout.Nhwc);
        NetworkPlan measured;
        using (var network = new ConvNetwork(blocks, TestBackends.All, Auto(TensorLayout.Nhwc) with { PlanningBudget = TimeSpan.Zero }))
        {
            network.Forward(x, new float[expected.Value.Length], batch, Size, Size);
            measured = network.PlanFor(batch, Size, Size)!;
        }
        NetworkPlan across = measured with { Chosen = Candidate.Single(OneDnnBackend.BackendName, measured.Chosen.Backends.Count).WithSplit(BatchSplit.ImagesAcrossThreads) };
        using var oneThread = NativeConvBuilder.BuiltIn().Configure(o => o.Threads = 1).Build();
        using var refused = new ConvNetwork(blocks, oneThread, Auto(TensorLayout.Nhwc, across));
        Assert.Contains("shares a batch's images between threads", refused.PlanRejection);
        var y = new float[expected.Value.Length];
        refused.Forward(x, y, batch, Size, Size); // measures instead, on one thread: no split to measure
        Assert.DoesNotContain(refused.PlanFor(batch, Size, Size)!.Measured, t => t.Candidate.Split == BatchSplit.ImagesAcrossThreads);
        AssertWithinFirstOrderBound(y, expected, TensorLayout.Nhwc, "after the refused split");
    }

    [Fact]
    public void The_images_of_a_batch_are_shared_between_threads_in_contiguous_ranges_as_even_as_whole_images_allow()
    {
        // 3 images, 2 threads: [0, 1) on the calling thread, [1, 3) on the worker; 16 on 2: 8 each; 1 on 2: the worker's.
        Assert.Equal(new[] { 0, 1, 3 }, Enumerable.Range(0, 3).Select(t => ExecutionContext.FirstImage(t, 3, 2)));
        Assert.Equal(new[] { 0, 8, 16 }, Enumerable.Range(0, 3).Select(t => ExecutionContext.FirstImage(t, 16, 2)));
        Assert.Equal(new[] { 0, 0, 1 }, Enumerable.Range(0, 3).Select(t => ExecutionContext.FirstImage(t, 1, 2)));
        Assert.Equal(new[] { 0, 1, 3, 5 }, Enumerable.Range(0, 4).Select(t => ExecutionContext.FirstImage(t, 5, 3)));
    }

    [Fact]
    public void A_plan_file_that_is_not_a_plan_says_so()
    {
        Assert.Throws<FormatException>(() => NetworkPlan.FromJson("{ \"format\": 7 }"));
        var e = Assert.Throws<FormatException>(() => NetworkPlan.FromJson("not json"));
        Assert.Contains("not a network plan", e.Message);
        Assert.Contains("format 1", Assert.Throws<FormatException>(() => NetworkPlan.FromJson("{ \"format\": 1 }")).Message); // the previous format
    }

    /// <summary>
    /// Found by PlanFileFuzzTests: a null in the file was read as a null reference, and printing the plan threw a
    /// NullReferenceException; a shape of more elements than a span holds was read, and saving the plan again threw.
    /// </summary>
    [Theory]
    [InlineData("measured", "null", "Measured")]
    [InlineData("measured", "[null]", "measured[0] is null")]
    [InlineData("measured", "[{\"candidate\": null, \"microseconds\": 1}]", "Candidate")]
    [InlineData("measured", "[{\"microseconds\": 1}]", "candidate")]
    [InlineData("network", "null", "Network")]
    [InlineData("machine", "null", "Machine")]
    [InlineData("versions", "null", "Versions")]
    [InlineData("inputs", "null", "Inputs")]
    [InlineData("inputs", "[{\"batch\": 2147483647, \"channels\": 24, \"height\": 13, \"width\": 13}]", "inputs[0] (N=2147483647, C=24, H=13, W=13) is no tensor's shape")]
    [InlineData("inputs", "[{\"batch\": 0, \"channels\": 3, \"height\": 8, \"width\": 8}]", "inputs[0] (N=0, C=3, H=8, W=8) is no tensor's shape")]
    public void A_null_or_an_impossible_shape_in_a_plan_is_refused_as_the_text_s_fault(string property, string value, string named)
    {
        var plan = new NetworkPlan
        {
            Network = "n", Inputs = [new TensorShape(1, 3, 8, 8)], Layout = TensorLayout.Nchw, Chosen = Candidate.Single(OneDnnBackend.BackendName, 2),
            Machine = "m", Versions = "v", Measured = [new CandidateTime(Candidate.Single(XnnpackBackend.BackendName, 2), 10)],
        };
        var json = System.Text.Json.Nodes.JsonNode.Parse(plan.ToJson())!.AsObject();
        Assert.NotNull(NetworkPlan.FromJson(json.ToJsonString()).ToString()); // whole, it reads and prints
        json[property] = System.Text.Json.Nodes.JsonNode.Parse(value);
        var e = Assert.Throws<FormatException>(() => NetworkPlan.FromJson(json.ToJsonString()));
        Assert.StartsWith("not a network plan: ", e.Message);
        Assert.Contains(named, e.Message, StringComparison.OrdinalIgnoreCase);
    }
}
