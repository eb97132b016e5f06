using Xunit;
using Xunit.Abstractions;

namespace NativeConv.Tests;

/// <summary>
/// NaN and ±infinity in a network's input, on every backend under test and on auto, in both layouts: a MobileNet v2 and a
/// graph with a fused residual sum, pools, a resize and a concat. The outputs hold NaN and the same infinities exactly where
/// the network's reference (<see cref="NetworkEvaluation"/>, double) does, finite outputs lie within its derived bound, and a
/// finite call afterwards gives bit for bit what a fresh network gives (the repair leaves no state).
/// </summary>
public class NonFiniteNetworkTests(ITestOutputHelper output)
{
    private const int Batch = 2;

    public static TheoryData<string, string, TensorLayout> Cases() =>
        TestBackends.Rows(TestBackends.UnderTest.Append(NetworkOptions.Auto), new[] { "graph", "v2", "v3-small" }, TestBackends.Layouts);

    /// <summary>NaN alone, then ±infinity alone (a NaN reaching a global pool makes every logit NaN, which would hide the infinities).</summary>
    private static readonly (int C, int Y, int X, float Value)[][] PlantSets =
    [
        [(1, 2, 2, float.NaN), (2, 8, 0, float.NaN)],
        [(0, 6, 6, float.PositiveInfinity), (0, 6, 7, float.NegativeInfinity), (0, 0, 0, float.NegativeInfinity), (2, 8, 8, float.PositiveInfinity)],
    ];

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void Outputs_hold_the_references_non_finite_values(string backendName, string networkName, TensorLayout layout)
    {
        if (backendName != NetworkOptions.Auto) TestBackends.GetOrSkip(backendName);
        var (graph, shape) = Network(networkName);
        var options = new NetworkOptions { Backend = backendName, Layout = layout, PlanningBudget = TimeSpan.FromMilliseconds(300) };
        using var network = new ConvNetwork(graph, TestBackends.All, options);
        foreach (var plants in PlantSets)
        {
            float[] x = NetworkCases.Rand(new Random(11), shape.Length, 1);
            foreach (var (c, y, xx, v) in plants)
                x[ExpectedConvolution.Index(layout, Batch - 1, Math.Min(c, shape.Channels - 1), y % shape.Height, xx % shape.Width, shape.Channels, shape.Height, shape.Width)] = v;
            float[][] outputs = Run(network, [shape], x);
            ReferenceTensor[] expected = NetworkEvaluation.Run(graph, [ReferenceTensor.Exact(x, shape, layout)], foldedFromBatchNorm: false);
            int nonFinite = 0;
            for (int k = 0; k < expected.Length; k++)
            for (int i = 0; i < expected[k].Value.Length; i++)
            {
                double e = expected[k].Value[i], bound = expected[k].Bound[i];
                float a = outputs[k][expected[k].IndexIn(layout, i)];
                if (!double.IsFinite(e)) nonFinite++;
                bool ok = double.IsNaN(e) ? float.IsNaN(a)
                    : double.IsInfinity(e) ? a == e
                    : float.IsFinite(a) && (!double.IsFinite(bound) || Math.Abs(a - e) <= bound);
                Assert.True(ok, $"{networkName} on {backendName} {layout}: output {k}[{i}] is {a}, the reference {e} (bound {bound:e3}); runs: {string.Join("; ", network.Describe())}");
            }
            output.WriteLine($"{networkName} {backendName} {layout} plants {string.Join(",", plants.Select(p => p.Value))}: {nonFinite} non-finite outputs as the reference");
            Assert.True(nonFinite > 0, "the plants reach the outputs");
        }
        // A finite call after the non-finite ones: bit for bit a fresh network's.
        float[] finite = NetworkCases.Rand(new Random(12), shape.Length, 1);
        float[][] after = Run(network, [shape], finite);
        using var fresh = new ConvNetwork(graph, TestBackends.All, options);
        float[][] again = Run(fresh, [shape], finite);
        for (int k = 0; k < after.Length; k++)
            if (backendName != NetworkOptions.Auto) // auto may plan another mix for the fresh network
                Assert.Equal(again[k].Select(BitConverter.SingleToInt32Bits), after[k].Select(BitConverter.SingleToInt32Bits));
    }

    public static TheoryData<string, ActivationKind> AddCases() => TestBackends.Rows(TestBackends.UnderTest, NonFiniteCases.Kinds);

    /// <summary>An add with each activation after it (a managed pass or a library's fused form; no repair): NaN and ±infinity as the reference.</summary>
    [SkippableTheory]
    [MemberData(nameof(AddCases))]
    public void An_add_and_its_activation_keep_the_references_values(string backendName, ActivationKind kind)
    {
        ConvBackend backend = TestBackends.GetOrSkip(backendName);
        var g = new GraphBuilder();
        Value a = g.Input("a", 16), b = g.Input("b", 16);
        g.Output(g.Add(a, b, NonFiniteCases.Of(kind), "add"));
        var shape = new TensorShape(1, 16, 3, 3);
        float[] x = [.. Enumerable.Repeat(float.NaN, 16), .. Enumerable.Repeat(float.PositiveInfinity, 16), .. Enumerable.Repeat(float.NegativeInfinity, 16),
            .. Enumerable.Repeat(float.PositiveInfinity, 16), .. NetworkCases.Rand(new Random(1), shape.Length - 64, 2)];
        float[] y = [.. Enumerable.Repeat(1f, 48), .. Enumerable.Repeat(float.NegativeInfinity, 16), .. NetworkCases.Rand(new Random(2), shape.Length - 64, 2)];
        float[][] outputs = OperationCheck.Check(g.Build(), backendName, TensorLayout.Nhwc, [shape, shape], [x, y], exact: false, $"add then {kind} on {backendName}");
        Assert.True(float.IsNaN(outputs[0][0]) && float.IsNaN(outputs[0][48]), "NaN + 1 and +inf + -inf are NaN whatever follows");
    }

    /// <summary>
    /// bfloat16 (oneDNN) and dynamic int8 (XNNPACK) networks: NaN and the same infinities exactly where the reference has them
    /// (their finite values have bounds of their own, which their own tests check), every other output finite.
    /// </summary>
    [SkippableTheory]
    [InlineData("onednn", ConvPrecision.BFloat16)]
    [InlineData("xnnpack", ConvPrecision.DynamicInt8)]
    public void Other_precisions_hold_the_references_non_finite_values(string backendName, ConvPrecision precision)
    {
        ConvBackend backend = TestBackends.GetOrSkip(backendName);
        Skip.If(backend.CannotRun(precision) is not null, backend.CannotRun(precision) ?? "");
        var (graph, shape) = Network("graph");
        foreach (TensorLayout layout in TestBackends.Layouts)
        {
            using var network = new ConvNetwork(graph, ConvBackends.Of(backend), new NetworkOptions { Backend = backendName, Layout = layout, Precision = precision });
            foreach (var plants in PlantSets)
            {
                float[] x = NetworkCases.Rand(new Random(11), shape.Length, 1);
                foreach (var (c, y, xx, v) in plants) x[ExpectedConvolution.Index(layout, Batch - 1, c, y, xx, shape.Channels, shape.Height, shape.Width)] = v;
                float[][] outputs = Run(network, [shape], x);
                ReferenceTensor[] expected = NetworkEvaluation.Run(graph, [ReferenceTensor.Exact(x, shape, layout)], foldedFromBatchNorm: false);
                for (int k = 0; k < expected.Length; k++)
                for (int i = 0; i < expected[k].Value.Length; i++)
                {
                    double e = expected[k].Value[i];
                    float a = outputs[k][expected[k].IndexIn(layout, i)];
                    Assert.True(double.IsNaN(e) ? float.IsNaN(a) : double.IsInfinity(e) ? a == e : float.IsFinite(a),
                        $"{precision} on {backendName} {layout}: output {k}[{i}] is {a}, the reference {e}; runs: {string.Join("; ", network.Describe())}");
                }
            }
        }
    }

    /// <summary>XNNPACK's whole-network runtime cannot be repaired inside: under PyTorch's semantics it refuses a non-finite input by name.</summary>
    [SkippableFact]
    public void The_whole_xnnpack_runtime_refuses_a_non_finite_input_and_runs_it_under_Library()
    {
        TestBackends.GetOrSkip(XnnpackBackend.BackendName);
        var (graph, shape) = Network("graph");
        float[] x = NetworkCases.Rand(new Random(11), shape.Length, 1);
        x[5] = float.NaN;
        foreach (NonFiniteValues semantics in Enum.GetValues<NonFiniteValues>())
        {
            using var backend = new XnnpackBackend(TestBackends.Threads) { NonFiniteValues = semantics };
            using var network = new ConvNetwork(graph, ConvBackends.Of(backend), new NetworkOptions { Backend = backend.Name, WholeRuntime = true, Layout = TensorLayout.Nhwc });
            Run(network, [shape], NetworkCases.Rand(new Random(1), shape.Length, 1)); // finite: runs
            if (semantics == NonFiniteValues.PyTorch)
                Assert.Contains("NaN or ±infinity", Assert.Throws<NotSupportedException>(() => Run(network, [shape], x)).Message);
            else
                Run(network, [shape], x);
        }
    }

    private static float[][] Run(ConvNetwork network, TensorShape[] shapes, float[] x)
    {
        IReadOnlyList<TensorShape> outputShapes = network.OutputShapes(shapes);
        float[][] outputs = outputShapes.Select(s => new float[s.Length]).ToArray();
        network.Run([new NetworkInput(x, shapes[0])], outputs.Select(o => new NetworkOutput(o)).ToArray());
        return outputs;
    }

    /// <summary>The network and its input shape.</summary>
    private static (NetworkGraph Graph, TensorShape Shape) Network(string name)
    {
        if (name != "graph")
        {
            var (blocks, channels, size) = NetworkCases.Get(name);
            return (ConvNetwork.GraphOf(blocks), new TensorShape(Batch, channels, size, size));
        }
        var r = new Random(5);
        var g = new GraphBuilder();
        Value x = g.Input("x", 8);
        Conv2dSpec dw = Conv2dSpec.Depthwise(8, 3, padding: 1, bias: true, activation: Activation.ReLU6);
        Conv2dSpec pw = Conv2dSpec.Pointwise(8, 8, bias: true, activation: Activation.None);
        Conv2dSpec head = Conv2dSpec.Pointwise(16, 8, bias: true, activation: Activation.ReLU);
        Value a = g.Conv2d(x, dw, NetworkCases.Rand(r, dw.WeightCount, 0.5), NetworkCases.Rand(r, dw.BiasCount, 0.1), "dw");
        Value b = g.Conv2d(a, pw, NetworkCases.Rand(r, pw.WeightCount, 0.5), NetworkCases.Rand(r, pw.BiasCount, 0.1), "pw");
        Value sum = g.Add(b, x, name: "residual");
        Value max = g.MaxPool2d(sum, new Pool2dSpec(3, 1, 1), "max");
        Value avg = g.AvgPool2d(sum, new Pool2dSpec(2, 2), "avg");
        Value up = g.ResizeLike(avg, max, ResizeMode.Bilinear, ResizeCoordinates.HalfPixel, name: "up");
        Value cat = g.Concat([max, up], "cat");
        g.Output(g.Conv2d(cat, head, NetworkCases.Rand(r, head.WeightCount, 0.5), NetworkCases.Rand(r, head.BiasCount, 0.1), "head"));
        g.Output(sum);
        return (g.Build(), new TensorShape(Batch, 8, 9, 9));
    }
}
