using System.Globalization;
using System.Text;
using Xunit;
using Xunit.Abstractions;

namespace NativeConv.Tests;

/// <summary>
/// The table per backend × precision × activation of what one isolated NaN, +∞ and −∞ input gives, with the library's own
/// values (<see cref="NonFiniteValues.Library"/>: the "before" table, printed) and with PyTorch's (the default: every entry is
/// the reference's). Under Library, the kernels a backend claims exact (<see cref="ConvBackend.KeepsNonFinite"/>) must be.
/// </summary>
public class NonFiniteTableTests(ITestOutputHelper output)
{
    private const int Channels = 32, Size = 9, Planted = 17;

    // Windows of a 3x3 kernel around these hold one of them alone; the channel is <see cref="Planted"/>, the rest of the input is 1.
    private static readonly (int Y, int X, float Value)[] Plants = [(2, 2, float.NaN), (2, 6, float.PositiveInfinity), (6, 4, float.NegativeInfinity)];

    [SkippableFact]
    public void Library_values_are_the_before_table_and_PyTorchs_are_the_references()
    {
        var table = new StringBuilder("| backend | precision | layer | activation | NaN | +inf | -inf | semantics |\n|---|---|---|---|---|---|---|---|\n");
        var wrong = new List<string>();
        foreach (string name in TestBackends.Native)
        {
            TestBackends.GetOrSkip(name);
            foreach (NonFiniteValues semantics in Enum.GetValues<NonFiniteValues>())
            {
                using ConvBackend backend = name == OneDnnBackend.BackendName
                    ? new OneDnnBackend(TestBackends.Threads) { NonFiniteValues = semantics }
                    : new XnnpackBackend(TestBackends.Threads) { NonFiniteValues = semantics };
                foreach (ConvPrecision precision in new[] { ConvPrecision.Float32, ConvPrecision.BFloat16, ConvPrecision.DynamicInt8 })
                {
                    if (backend.CannotRun(precision) is not null) continue;
                    foreach (bool depthwise in new[] { true, false })
                    {
                        if (depthwise && precision == ConvPrecision.DynamicInt8) continue; // pointwise only
                        foreach (ActivationKind kind in NonFiniteCases.Kinds)
                        {
                            Activation activation = NonFiniteCases.Of(kind);
                            float[] got = Run(backend, precision, depthwise, activation);
                            var expected = NonFiniteRules.Table(activation);
                            float[] want = [expected.NaN, expected.PositiveInfinity, expected.NegativeInfinity];
                            bool same = got.Zip(want).All(p => Same(p.First, p.Second));
                            table.Append(CultureInfo.InvariantCulture, $"| {name} | {precision} | {(depthwise ? "depthwise 3x3" : "pointwise")} | {activation} | ");
                            table.Append(string.Join(" | ", got.Zip(want).Select(p => Same(p.First, p.Second) ? Show(p.First) : $"**{Show(p.First)}** ({Show(p.Second)})")));
                            table.Append(CultureInfo.InvariantCulture, $" | {semantics} |\n");
                            bool mustMatch = semantics == NonFiniteValues.PyTorch || backend.KeepsNonFinite(activation, precision);
                            if (mustMatch && !same) wrong.Add($"{name} {precision} {(depthwise ? "depthwise" : "pointwise")} {activation} {semantics}: {string.Join(", ", got.Select(Show))}");
                        }
                    }
                }
            }
        }
        output.WriteLine(table.ToString());
        Assert.Empty(wrong);
    }

    /// <summary>A layer's Capabilities and a network's Describe state the semantics they run and, under Library, that NaN may be lost.</summary>
    [SkippableFact]
    public void Describe_states_the_semantics()
    {
        TestBackends.GetOrSkip(OneDnnBackend.BackendName);
        Conv2dSpec relu = Conv2dSpec.Pointwise(4, 4, bias: false, activation: Activation.ReLU), none = Conv2dSpec.Pointwise(4, 4, bias: false);
        using var pytorch = new OneDnnBackend(TestBackends.Threads);
        using var library = new OneDnnBackend(TestBackends.Threads) { NonFiniteValues = NonFiniteValues.Library };
        Assert.Contains("every call scans its input", pytorch.Describe(relu, TensorLayout.Nhwc).NonFinite);
        Assert.Contains("no scan", pytorch.Describe(none, TensorLayout.Nhwc).NonFinite);
        Assert.Contains("relu(NaN) = 0", library.Describe(relu, TensorLayout.Nhwc).NonFinite);
        Assert.Contains("NaN and ±infinity", pytorch.Describe(relu, TensorLayout.Nhwc).ToString());
        var g = new GraphBuilder();
        g.Output(g.Conv2d(g.Input("x", 4), relu, new float[16], [], "conv"));
        NetworkGraph graph = g.Build();
        foreach (var (backend, expected) in new[] { (pytorch, "each call scans its inputs once"), (library, "not scanned") })
        {
            using var network = new ConvNetwork(graph, ConvBackends.Of(backend), new NetworkOptions { Backend = backend.Name, Layout = TensorLayout.Nhwc });
            network.Forward(new float[4 * 9], new float[4 * 9], 1, 3, 3);
            Assert.Contains(expected, network.Describe()[^1]);
        }
    }

    /// <summary>The outputs at the planted positions of a layer whose weights are all 0.5 and bias 0.25.</summary>
    private static float[] Run(ConvBackend backend, ConvPrecision precision, bool depthwise, Activation activation)
    {
        Conv2dSpec spec = depthwise
            ? Conv2dSpec.Depthwise(Channels, 3, padding: 1, bias: true, activation: activation)
            : Conv2dSpec.Pointwise(Channels, Channels, bias: true, activation: activation);
        float[] weights = Enumerable.Repeat(0.5f, spec.WeightCount).ToArray(), bias = Enumerable.Repeat(0.25f, Channels).ToArray();
        float[] input = Enumerable.Repeat(1f, Size * Size * Channels).ToArray(); // NHWC
        foreach (var (y, x, v) in Plants) input[(y * Size + x) * Channels + Planted] = v;
        var result = new float[input.Length];
        using var layer = new Conv2dLayer(spec, weights, bias, backend, TensorLayout.Nhwc, precision);
        layer.Forward(input, result, 1, Size, Size);
        return Plants.Select(p => result[(p.Y * Size + p.X) * Channels + Planted]).ToArray();
    }

    private static bool Same(float a, float b) => float.IsNaN(a) ? float.IsNaN(b) : a == b;

    private static string Show(float v) => float.IsNaN(v) ? "NaN" : float.IsPositiveInfinity(v) ? "+inf" : float.IsNegativeInfinity(v) ? "-inf" : v.ToString("0.###", CultureInfo.InvariantCulture);
}
