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

    internal static void AssertWithinFirstOrderBound(float[] y, BoundedTensor expected, TensorLayout layout, string what)
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
        NetworkPlan plan = network.ChoosePlan(x, y, 2, Size, Size);
        log.WriteLine($"{model} {layout}: {plan}");
        Assert.Equal("auto", network.BackendName);
        Assert.True(plan.MeasuredMicroseconds.Count >= 3, "each backend alone and the fused form were measured");
        // A batch of 2: the chosen candidate also ran image by image, and with the images across threads (every backend here has a single-threaded form).
        Assert.Contains(plan.Chosen + NetworkPlan.BatchingSuffix(BatchMode.ImageByImage), plan.MeasuredMicroseconds.Keys);
        Assert.Contains(plan.Chosen + NetworkPlan.BatchingSuffix(BatchMode.ImagesAcrossThreads), plan.MeasuredMicroseconds.Keys);
        Assert.Contains(plan.Description, plan.MeasuredMicroseconds.Keys);
        AssertWithinFirstOrderBound(y, expected, layout, $"{model} measured plan {plan.Description}");

        // Every candidate pinned in turn: fused and unfused, each backend and its single-threaded form, threads per op, the mix.
        foreach (string candidate in plan.MeasuredMicroseconds.Keys)
        {
            NetworkPlan pinned = Candidate(plan, candidate, blocks);
            using var again = new ConvNetwork(blocks, TestBackends.All, layout, pinned, TestBackends.Native);
            var z = new float[y.Length];
            again.Forward(x, z, 2, Size, Size);
            Assert.Null(again.PlanRejection);
            Assert.Equal(candidate, again.PlanFor(2, Size, Size)!.Description);
            AssertWithinFirstOrderBound(z, expected, layout, $"{model} candidate {candidate}");
        }
    }

    /// <summary>
    /// The plan a candidate stands for: every convolution on one backend, fused or not ("mixed" is the measured plan's own
    /// assignment when chosen, else the per-op fastest is not recorded, so the chosen assignment stands in); a batch mode
    /// after the name ("onednn+sum, image by image") runs that candidate's batch so.
    /// </summary>
    private static NetworkPlan Candidate(NetworkPlan measured, string candidate, IReadOnlyList<NetworkBlock> blocks)
    {
        foreach (BatchMode mode in new[] { BatchMode.ImageByImage, BatchMode.ImagesAcrossThreads })
        {
            string suffix = NetworkPlan.BatchingSuffix(mode);
            if (candidate.EndsWith(suffix, StringComparison.Ordinal)) return Candidate(measured, candidate[..^suffix.Length], blocks) with { Batching = mode };
        }
        if (candidate == measured.Chosen) return measured with { Batching = BatchMode.AllAtOnce, MeasuredMicroseconds = new Dictionary<string, double>() };
        if (candidate.EndsWith(NetworkPlanner.WholeSuffix, StringComparison.Ordinal)) // "xnnpack graph": every convolution in its runtime
            return measured with
            {
                Chosen = candidate, Backends = measured.Backends.Select(_ => candidate[..^NetworkPlanner.WholeSuffix.Length]).ToList(),
                FuseResidualSums = false, WholeNetwork = true, Batching = BatchMode.AllAtOnce, MeasuredMicroseconds = new Dictionary<string, double>(),
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
            FuseResidualSums = core.EndsWith("+sum", StringComparison.Ordinal), WholeNetwork = false, Batching = BatchMode.AllAtOnce,
            MeasuredMicroseconds = new Dictionary<string, double>(),
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
            plan = network.ChoosePlan(x, y, 2, Size, Size);
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
        { "batch mode", "its batch mode (7) is none of AllAtOnce, ImageByImage, ImagesAcrossThreads" },
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
            plan = network.ChoosePlan(x, y, 2, Size, Size);
        }
        NetworkPlan foreign = what switch
        {
            "machine" => plan with { Machine = "Some Other CPU; avx2; 64 processors" },
            "versions" => plan with { Versions = "NativeConv 9.9.9; oneDNN 4.0; XNNPACK 1" },
            "network" => plan with { Network = "0123456789abcdef" },
            "whole on onednn" => plan with { Backends = plan.Backends.Select(_ => OneDnnBackend.BackendName).ToList(), WholeNetwork = true },
            "batch mode" => plan with { Batching = (BatchMode)7 }, // a file can say 7: the enum reads numbers too
            _ => plan with { Backends = plan.Backends.Select(_ => "cudnn").ToList() },
        };
        using var again = new ConvNetwork(blocks, TestBackends.All, TensorLayout.Nchw, NetworkPlan.FromJson(foreign.ToJson()), TestBackends.Native);
        Assert.Contains(reason, again.PlanRejection);
        Assert.NotEmpty(again.ChoosePlan(x, y, 2, Size, Size).MeasuredMicroseconds); // measured instead
        AssertWithinFirstOrderBound(y, expected, TensorLayout.Nchw, "after a refused plan");
    }

    [SkippableTheory]
    [InlineData(BatchMode.AllAtOnce, TensorLayout.Nchw)]
    [InlineData(BatchMode.ImageByImage, TensorLayout.Nchw)]
    [InlineData(BatchMode.ImagesAcrossThreads, TensorLayout.Nchw)]
    [InlineData(BatchMode.ImagesAcrossThreads, TensorLayout.Nhwc)]
    public void Every_batch_mode_runs_an_odd_batch_within_the_bound_on_every_backend_and_on_the_mix(BatchMode mode, TensorLayout layout)
    {
        foreach (string name in TestBackends.Native) TestBackends.GetOrSkip(name);
        const int batch = 3; // across 2 threads: 1 image on the calling thread, 2 on the worker
        var (blocks, channels, _) = NetworkCases.Get("v3-small");
        float[] x = NetworkCases.Rand(new Random(4), batch * channels * Size * Size, 1);
        BoundedTensor expected = NetworkEvaluation.Run(blocks, BoundedTensor.Exact(x, new TensorShape(batch, channels, Size, Size), layout), foldedFromBatchNorm: false);
        NetworkPlan measured;
        using (var network = new ConvNetwork(blocks, TestBackends.All, layout, candidates: TestBackends.Native))
        {
            measured = network.ChoosePlan(x, new float[expected.Value.Length], batch, Size, Size);
        }
        int convolutions = measured.Backends.Count;
        foreach (var (backends, whole) in new[]
        {
            (Enumerable.Repeat(OneDnnBackend.BackendName, convolutions).ToArray(), false),
            (Enumerable.Repeat(XnnpackBackend.BackendName, convolutions).ToArray(), false),
            (Enumerable.Repeat(XnnpackBackend.BackendName, convolutions).ToArray(), true), // XNNPACK's subgraph runtime, one per thread
            (Enumerable.Range(0, convolutions).Select(i => i % 2 == 0 ? OneDnnBackend.BackendName : XnnpackBackend.BackendName).ToArray(), false),
        })
        {
            NetworkPlan pinned = measured with
            {
                Chosen = "pinned", Backends = backends, FuseResidualSums = false, WholeNetwork = whole, Batching = mode,
                MeasuredMicroseconds = new Dictionary<string, double>(),
            };
            using var network = new ConvNetwork(blocks, TestBackends.All, layout, pinned, TestBackends.Native);
            var y = new float[expected.Value.Length];
            float[] before = (float[])x.Clone();
            for (int call = 0; call < 2; call++) // the second call runs on the workers' warm state
            {
                Array.Fill(y, float.NaN);
                network.Forward(x, y, batch, Size, Size);
                Assert.Null(network.PlanRejection);
                Assert.Same(pinned, network.PlanFor(batch, Size, Size));
                AssertWithinFirstOrderBound(y, expected, layout, $"{mode}, {string.Join(",", backends.Distinct())}{(whole ? " whole" : "")}, call {call}");
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
        using (var network = new ConvNetwork(blocks, TestBackends.All, TensorLayout.Nhwc, candidates: TestBackends.Native))
        {
            measured = network.ChoosePlan(x, new float[expected.Value.Length], batch, Size, Size);
        }
        NetworkPlan across = measured with
        {
            Chosen = OneDnnBackend.BackendName, Backends = measured.Backends.Select(_ => OneDnnBackend.BackendName).ToList(),
            FuseResidualSums = false, WholeNetwork = false, Batching = BatchMode.ImagesAcrossThreads,
        };
        using var oneThread = NativeConvBuilder.BuiltIn().Configure(o => o.Threads = 1).Build();
        using var refused = new ConvNetwork(blocks, oneThread, TensorLayout.Nhwc, across, TestBackends.Native);
        Assert.Contains("shares a batch's images between threads", refused.PlanRejection);
        Assert.Contains("'onednn'", refused.PlanRejection);
        var y = new float[expected.Value.Length];
        NetworkPlan plan = refused.ChoosePlan(x, y, batch, Size, Size); // measures instead, on one thread: no split across threads to measure
        Assert.DoesNotContain(plan.MeasuredMicroseconds.Keys, k => k.EndsWith(NetworkPlan.BatchingSuffix(BatchMode.ImagesAcrossThreads), StringComparison.Ordinal));
        AssertWithinFirstOrderBound(y, expected, TensorLayout.Nhwc, "after the refused split");
    }

    [Fact]
    public void The_images_of_a_batch_are_shared_between_threads_in_contiguous_ranges_as_even_as_whole_images_allow()
    {
        // 3 images, 2 threads: [0, 1) on the calling thread, [1, 3) on the worker; 16 on 2: 8 each; 1 on 2: the worker's.
        Assert.Equal(new[] { 0, 1, 3 }, Enumerable.Range(0, 3).Select(t => ShapeRun.FirstImage(t, 3, 2)));
        Assert.Equal(new[] { 0, 8, 16 }, Enumerable.Range(0, 3).Select(t => ShapeRun.FirstImage(t, 16, 2)));
        Assert.Equal(new[] { 0, 0, 1 }, Enumerable.Range(0, 3).Select(t => ShapeRun.FirstImage(t, 1, 2)));
        Assert.Equal(new[] { 0, 1, 3, 5 }, Enumerable.Range(0, 4).Select(t => ShapeRun.FirstImage(t, 5, 3)));
    }

    [Fact]
    public void A_plan_file_that_is_not_a_plan_says_so()
    {
        Assert.Throws<FormatException>(() => NetworkPlan.FromJson("{ \"format\": 7 }"));
        var e = Assert.Throws<FormatException>(() => NetworkPlan.FromJson("not json"));
        Assert.Contains("not a network plan", e.Message);
    }
}
