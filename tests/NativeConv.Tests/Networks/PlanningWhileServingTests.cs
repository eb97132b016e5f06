using Xunit;
using Xunit.Abstractions;

namespace NativeConv.Tests;

/// <summary>
/// <see cref="PlanningMode.WhileServing"/> (the default): a new shape is measured over its calls, each call one
/// candidate's run on the caller's data, so every call's output is the network's (within the derived bound), the input
/// is never written, and the plan is chosen after more than one call; then every call runs it. A shape can be finished
/// at once (<see cref="ConvNetwork.ChoosePlan"/>), several shapes are measured side by side, a plan directory gets the
/// plan once chosen, a network disposed mid-measurement releases it, and <see cref="PlanningMode.FirstCall"/> chooses
/// in the first call.
/// </summary>
public sealed class PlanningWhileServingTests(ITestOutputHelper log) : IDisposable
{
    private const int Size = 40;

    /// <summary>
    /// More calls than any measurement takes: its waits for the JIT end after at most 2 s each, and its rounds are
    /// counted; at this size a call takes well under a millisecond, so 2 x 2 s of calls stay under this.
    /// </summary>
    private const int CallLimit = 200_000;

    private readonly List<string> _directories = [];

    private static void SkipWithoutNativeBackends()
    {
        foreach (string name in TestBackends.Native) TestBackends.GetOrSkip(name);
    }

    private static (IReadOnlyList<NetworkBlock> Blocks, float[] Input, BoundedTensor Expected) Case(int batch, TensorLayout layout, int size = Size)
    {
        var (blocks, channels, _) = NetworkCases.Get("v3-small");
        float[] x = NetworkCases.Rand(new Random(5), batch * channels * size * size, 1);
        return (blocks, x, NetworkEvaluation.Run(blocks, BoundedTensor.Exact(x, new TensorShape(batch, channels, size, size), layout), foldedFromBatchNorm: false));
    }

    /// <summary>Calls until the network has chosen for the shape; each call's output checked against the reference.</summary>
    private static int CallUntilChosen(ConvNetwork network, float[] x, BoundedTensor expected, TensorLayout layout, int batch, int size = Size)
    {
        var y = new float[expected.Value.Length];
        float[] before = (float[])x.Clone();
        int calls = 0;
        do
        {
            Array.Fill(y, float.NaN);
            network.Forward(x, y, batch, size, size);
            calls++;
            NetworkPlanTests.AssertWithinFirstOrderBound(y, expected, layout, $"call {calls}");
            Assert.True(calls < CallLimit, "the measurement never chose");
        }
        while (network.PlanFor(batch, size, size) is null);
        Assert.Equal(before, x); // the input is read, never written
        return calls;
    }

    [SkippableTheory]
    [InlineData(1, TensorLayout.Nhwc)]
    [InlineData(2, TensorLayout.Nchw)]
    public void Each_call_runs_one_candidate_within_the_bound_until_the_plan_is_chosen_then_the_plan(int batch, TensorLayout layout)
    {
        SkipWithoutNativeBackends();
        var (blocks, x, expected) = Case(batch, layout);
        using var network = new ConvNetwork(blocks, TestBackends.All, layout, candidates: TestBackends.Native);
        int calls = CallUntilChosen(network, x, expected, layout, batch);
        NetworkPlan plan = network.PlanFor(batch, Size, Size)!;
        log.WriteLine($"batch {batch} {layout}: chosen after {calls} calls: {plan}");
        // Each candidate timed in blocks of at least 2 calls, after its two first calls, over several rounds: never one call.
        Assert.True(calls > plan.MeasuredMicroseconds.Count * (2 + NetworkPlanner.MinCallsPerBlock),
            $"{calls} calls for {plan.MeasuredMicroseconds.Count} candidates");
        Assert.Contains(plan.Chosen, plan.MeasuredMicroseconds.Keys);
        if (batch > 1) Assert.Contains(plan.Chosen + NetworkPlan.BatchingSuffix(BatchMode.ImageByImage), plan.MeasuredMicroseconds.Keys);

        // From now on every call runs the chosen plan: exactly what the plan, given to another network, gives.
        var y = new float[expected.Value.Length];
        network.Forward(x, y, batch, Size, Size);
        Assert.Same(plan, network.PlanFor(batch, Size, Size));
        using var pinned = new ConvNetwork(blocks, TestBackends.All, layout, plan, TestBackends.Native);
        var z = new float[y.Length];
        pinned.Forward(x, z, batch, Size, Size);
        Assert.Null(pinned.PlanRejection);
        Assert.Equal(z, y);
    }

    [SkippableFact]
    public void The_first_call_has_no_plan_yet_and_ChoosePlan_finishes_the_measuring_with_the_chosen_plans_output()
    {
        SkipWithoutNativeBackends();
        var (blocks, x, expected) = Case(1, TensorLayout.Nhwc);
        using var network = new ConvNetwork(blocks, TestBackends.All, TensorLayout.Nhwc, candidates: TestBackends.Native);
        var y = new float[expected.Value.Length];
        network.Forward(x, y, 1, Size, Size);
        Assert.Null(network.PlanFor(1, Size, Size));
        NetworkPlanTests.AssertWithinFirstOrderBound(y, expected, TensorLayout.Nhwc, "the first call");

        NetworkPlan plan = network.ChoosePlan(x, y, 1, Size, Size);
        Assert.Same(plan, network.PlanFor(1, Size, Size));
        Assert.NotEmpty(plan.MeasuredMicroseconds);
        var z = new float[y.Length];
        network.Forward(x, z, 1, Size, Size);
        Assert.Equal(z, y); // ChoosePlan's output was the chosen plan's
        Assert.Same(plan, network.ChoosePlan(x, z, 1, Size, Size)); // chosen once
    }

    [SkippableFact]
    public void Two_shapes_are_measured_side_by_side_call_by_call()
    {
        SkipWithoutNativeBackends();
        const int small = 32;
        var (blocks, x, expected) = Case(1, TensorLayout.Nhwc);
        var (_, x2, expected2) = Case(1, TensorLayout.Nhwc, small);
        using var network = new ConvNetwork(blocks, TestBackends.All, TensorLayout.Nhwc, candidates: TestBackends.Native);
        var y = new float[expected.Value.Length];
        var y2 = new float[expected2.Value.Length];
        for (int call = 0; network.PlanFor(1, Size, Size) is null || network.PlanFor(1, small, small) is null; call++)
        {
            Assert.True(call < CallLimit, "the measurements never chose");
            network.Forward(x, y, 1, Size, Size);
            network.Forward(x2, y2, 1, small, small);
            NetworkPlanTests.AssertWithinFirstOrderBound(y, expected, TensorLayout.Nhwc, $"{Size}x{Size}, call {call}");
            NetworkPlanTests.AssertWithinFirstOrderBound(y2, expected2, TensorLayout.Nhwc, $"{small}x{small}, call {call}");
        }
        Assert.Equal(Size, network.PlanFor(1, Size, Size)!.Height);
        Assert.Equal(small, network.PlanFor(1, small, small)!.Height);
    }

    [SkippableFact]
    public void A_plan_directory_gets_the_plan_once_chosen_not_before()
    {
        SkipWithoutNativeBackends();
        string directory = Directory.CreateTempSubdirectory("nativeconv-plans-").FullName;
        _directories.Add(directory);
        using ConvBackends backends = NativeConvBuilder.BuiltIn().Configure(o =>
        {
            o.Threads = TestBackends.Threads;
            o.PlanDirectory = directory;
        }).Build();
        var (blocks, x, expected) = Case(1, TensorLayout.Nhwc);
        using (var network = new ConvNetwork(blocks, backends, TensorLayout.Nhwc, candidates: TestBackends.Native))
        {
            network.Forward(x, new float[expected.Value.Length], 1, Size, Size);
            Assert.Empty(Directory.GetFiles(directory));
            CallUntilChosen(network, x, expected, TensorLayout.Nhwc, 1);
            Assert.Null(network.PlanFileProblem);
            Assert.Single(Directory.GetFiles(directory));
        }
        using var later = new ConvNetwork(blocks, backends, TensorLayout.Nhwc, candidates: TestBackends.Native);
        later.Forward(x, new float[expected.Value.Length], 1, Size, Size);
        Assert.NotNull(later.PlanFor(1, Size, Size)!.SourceFile); // followed from the first call, not measured
    }

    [SkippableFact]
    public void A_network_disposed_while_measuring_releases_the_measurement_and_refuses_calls()
    {
        SkipWithoutNativeBackends();
        var (blocks, x, expected) = Case(2, TensorLayout.Nhwc);
        var network = new ConvNetwork(blocks, TestBackends.All, TensorLayout.Nhwc, candidates: TestBackends.Native);
        var y = new float[expected.Value.Length];
        for (int call = 0; call < 40; call++) network.Forward(x, y, 2, Size, Size); // some candidates made, none chosen
        Assert.Null(network.PlanFor(2, Size, Size));
        network.Dispose();
        network.Dispose();
        Assert.Throws<ObjectDisposedException>(() => network.Forward(x, y, 2, Size, Size));

        // The shared backends are unharmed: another network measures and runs on them.
        using var another = new ConvNetwork(blocks, TestBackends.All, TensorLayout.Nhwc, candidates: TestBackends.Native);
        CallUntilChosen(another, x, expected, TensorLayout.Nhwc, 2);
    }

    [SkippableFact]
    public void A_wrong_buffer_mid_measurement_is_refused_before_any_native_call_and_the_measuring_goes_on()
    {
        SkipWithoutNativeBackends();
        var (blocks, x, expected) = Case(1, TensorLayout.Nhwc);
        using var network = new ConvNetwork(blocks, TestBackends.All, TensorLayout.Nhwc, candidates: TestBackends.Native);
        var y = new float[expected.Value.Length];
        network.Forward(x, y, 1, Size, Size);
        var e = Assert.Throws<ArgumentException>(() => network.Forward(x, new float[y.Length - 1], 1, Size, Size));
        Assert.Equal("output", e.ParamName);
        Assert.Contains($"{y.Length} values, got {y.Length - 1}", e.Message);
        CallUntilChosen(network, x, expected, TensorLayout.Nhwc, 1);
    }

    [SkippableFact]
    public void First_call_planning_chooses_in_the_first_call()
    {
        SkipWithoutNativeBackends();
        using ConvBackends backends = NativeConvBuilder.BuiltIn().Configure(o =>
        {
            o.Threads = TestBackends.Threads;
            o.Planning = PlanningMode.FirstCall;
        }).Build();
        var (blocks, x, expected) = Case(2, TensorLayout.Nchw);
        using var network = new ConvNetwork(blocks, backends, TensorLayout.Nchw, candidates: TestBackends.Native);
        var y = new float[expected.Value.Length];
        network.Forward(x, y, 2, Size, Size);
        NetworkPlan plan = network.PlanFor(2, Size, Size)!;
        Assert.NotEmpty(plan.MeasuredMicroseconds);
        NetworkPlanTests.AssertWithinFirstOrderBound(y, expected, TensorLayout.Nchw, $"first call, {plan}");
    }

    [Fact]
    public void A_planning_mode_that_is_not_one_is_refused_naming_the_option()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new ConvBackends(new NativeConvOptions { Planning = (PlanningMode)7 }));
        Assert.Equal("options", e.ParamName);
        Assert.Contains("Planning must be WhileServing or FirstCall", e.Message);
    }

    public void Dispose()
    {
        foreach (string directory in _directories) Directory.Delete(directory, recursive: true);
    }
}
