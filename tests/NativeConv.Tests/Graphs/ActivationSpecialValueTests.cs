using Xunit;

namespace NativeConv.Tests;

/// <summary>
/// NaN and ±∞ through sigmoid, SiLU, GELU and tanh give PyTorch's answers on every backend under test and in both
/// layouts: standalone, fused in a convolution, after an add, after an add fused into the convolution before it, and on
/// XNNPACK's subgraph runtime. The convolution is a depthwise 1x1 of weight 1 (it passes x through exactly, ±∞ and NaN
/// included) and the add adds a zero input, so the activation sees the special values themselves. XNNPACK's
/// convolutions may lose NaN before any activation (they clamp their output with a max and a min that return the bound
/// for NaN in some microkernels): under the default NonFiniteValues.PyTorch the network repairs that, so every backend
/// is checked for every value; the subgraph runtime, which cannot be repaired inside, is checked with
/// NonFiniteValues.Library, through its convolutions for ±∞ and the finite values only.
/// </summary>
public class ActivationSpecialValueTests
{
    /// <summary>±10³⁰: finite, beyond where XNNPACK's sigmoid gives NaN (4.29·10²⁶ up).</summary>
    private static readonly float[] Specials = [float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0f, -0f, -200f, 200f, 1e30f, -1e30f];

    /// <summary>
    /// PyTorch 1.13 (Debian's python3-torch) on <see cref="Specials"/> in float32:
    /// <c>torch.sigmoid / F.silu / F.gelu / torch.tanh(torch.tensor([nan, inf, -inf, 0., -0., -200., 200., 1e30, -1e30]))</c>.
    /// </summary>
    private static readonly Dictionary<ActivationKind, float[]> PyTorch = new()
    {
        [ActivationKind.Sigmoid] = [float.NaN, 1, 0, 0.5f, 0.5f, 0, 1, 1, 0],
        [ActivationKind.SiLU] = [float.NaN, float.PositiveInfinity, float.NaN, 0, -0f, -0f, 200, 1e30f, -0f],
        [ActivationKind.GELU] = [float.NaN, float.PositiveInfinity, float.NaN, 0, 0, 0, 200, 1e30f, 0],
        [ActivationKind.Tanh] = [float.NaN, 1, -1, 0, -0f, -1, 1, 1, -1],
    };

    private static readonly TensorShape Shape = new(1, 4, 3, 3);

    private static float[] Input() => Enumerable.Range(0, Shape.Length).Select(i => Specials[i % Specials.Length]).ToArray();

    [Fact]
    public void The_reference_gives_PyTorchs_answers()
    {
        foreach (var (kind, expected) in PyTorch)
        {
            Activation activation = ActivationCases.Smooth.Single(a => a.Kind == kind);
            for (int i = 0; i < Specials.Length; i++) Same(expected[i], (float)activation.Apply(Specials[i]), $"reference {activation}({Specials[i]})");
        }
    }

    [SkippableTheory]
    [MemberData(nameof(ActivationCases.Backends), MemberType = typeof(ActivationCases))]
    public void Standalone_fused_and_after_an_add(string backend, TensorLayout layout)
    {
        foreach (Activation activation in ActivationCases.Smooth)
            foreach (var (name, graph, convolution) in Graphs(activation))
                Check(graph, backend, layout, activation, $"{name} on {backend} {layout}", null, nanLost: false); // PyTorch's values on every backend (the default NonFiniteValues)
    }

    [SkippableTheory]
    [MemberData(nameof(ActivationCases.Layouts), MemberType = typeof(ActivationCases))]
    public void On_XNNPACKs_subgraph_runtime(TensorLayout layout)
    {
        TestBackends.GetOrSkip(XnnpackBackend.BackendName);
        // Under PyTorch's semantics (the default) the whole runtime refuses NaN and ±infinity (NonFiniteNetworkTests): its
        // own values, which its sigmoid clamp makes PyTorch's for the activations, are what is checked here.
        using var library = new XnnpackBackend(TestBackends.Threads) { NonFiniteValues = NonFiniteValues.Library };
        var whole = new NetworkOptions { Backend = XnnpackBackend.BackendName, WholeRuntime = true };
        foreach (Activation activation in ActivationCases.Smooth)
            foreach (var (name, graph, convolution) in Graphs(activation))
                Check(graph, library, layout, activation, $"{name} on XNNPACK's subgraph runtime {layout}", whole, nanLost: convolution);
    }

    private static void Check(NetworkGraph graph, string backend, TensorLayout layout, Activation activation, string what, NetworkOptions? options, bool nanLost) =>
        Check(graph, TestBackends.GetOrSkip(backend), layout, activation, what, options, nanLost);

    /// <param name="nanLost">The graph's convolution runs on XNNPACK's own values, which lose NaN (see above): NaN inputs are not checked.</param>
    private static void Check(NetworkGraph graph, ConvBackend chosen, TensorLayout layout, Activation activation, string what, NetworkOptions? options, bool nanLost)
    {
        using var network = new ConvNetwork(graph, ConvBackends.Of(chosen), (options ?? new NetworkOptions()) with { Layout = layout });
        float[] x = Input(); // the same pattern in either layout: every element's expected value follows its own input
        var inputs = graph.Inputs.Select(i => new NetworkInput(i.Name == "x" ? x : new float[Shape.Length], Shape)).ToArray();
        var y = new float[Shape.Length];
        network.Run(inputs, [new NetworkOutput(y)]);
        float[] expected = PyTorch[activation.Kind];
        for (int i = 0; i < y.Length; i++)
            if (!(nanLost && float.IsNaN(x[i])))
                Same(expected[i % Specials.Length], y[i], $"{what}: {activation}({x[i]})");
    }

    private static void Same(float expected, float actual, string what) =>
        Assert.True(float.IsNaN(expected) ? float.IsNaN(actual) : actual == expected, $"{what} = {actual}, PyTorch gives {expected}");

    /// <summary>The activation standalone, fused in a convolution, after an add of zero, and after a convolution plus zero (and whether a convolution makes its input).</summary>
    private static IEnumerable<(string, NetworkGraph, bool)> Graphs(Activation activation)
    {
        float[] one = Enumerable.Repeat(1f, Shape.Channels).ToArray();
        var g = new GraphBuilder();
        g.Output(g.Activation(g.Input("x", Shape.Channels), activation, "act"));
        yield return ($"{activation} standalone", g.Build(), false);

        g = new GraphBuilder();
        g.Output(g.Conv2d(g.Input("x", Shape.Channels), Conv2dSpec.Depthwise(Shape.Channels, 1, bias: false, activation: activation), one, [], "conv"));
        yield return ($"{activation} fused in a convolution", g.Build(), true);

        g = new GraphBuilder();
        Value x = g.Input("x", Shape.Channels), zero = g.Input("zero", Shape.Channels);
        g.Output(g.Add(x, zero, activation, "add"));
        yield return ($"{activation} after an add", g.Build(), false);

        g = new GraphBuilder();
        x = g.Input("x", Shape.Channels);
        zero = g.Input("zero", Shape.Channels);
        Value conv = g.Conv2d(x, Conv2dSpec.Depthwise(Shape.Channels, 1, bias: false), one, [], "conv");
        g.Output(g.Add(conv, zero, activation, "residual"));
        yield return ($"{activation} after a convolution's residual add", g.Build(), true);
    }
}
