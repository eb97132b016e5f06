using Xunit;

namespace NativeConv.Testing;

/// <summary>
/// A graph (usually one operation) on one backend and layout against its reference (<see cref="NetworkGraph.Reference"/>:
/// double precision, each output within its derived bound, or exactly equal for operations that only move or compare
/// values): the network runs on inputs and outputs carved out of larger arrays whose guard regions must stay untouched,
/// and the inputs must be unchanged afterwards. Every new operation's conformance tests go through here.
/// </summary>
public static class OperationCheck
{
    private const int Guard = 37;
    private const float GuardValue = -123.25f;

    /// <summary>Random inputs: integers in [-3, 3] when <paramref name="integers"/> (exact sums), else uniform in [-2, 2).</summary>
    public static float[] Input(TensorShape shape, int seed, bool integers = false)
    {
        var random = new Random(seed);
        var x = new float[shape.Length];
        for (int i = 0; i < x.Length; i++) x[i] = integers ? random.Next(-3, 4) : (float)(random.NextDouble() * 4 - 2);
        return x;
    }

    /// <summary>
    /// Runs <paramref name="graph"/> on <paramref name="backend"/> in <paramref name="layout"/> on <paramref name="inputs"/>
    /// (given in that layout) and checks every output against the reference: exactly when <paramref name="exact"/>, else
    /// within the bound. Returns the outputs (in the layout), for further checks. <paramref name="options"/>: the network's
    /// other options (e.g. <see cref="NetworkOptions.WholeRuntime"/>), its layout set to <paramref name="layout"/>.
    /// </summary>
    /// <param name="options">How the network runs (its layout is <paramref name="layout"/> whatever these say); null: the defaults.</param>
    /// <param name="describe">Receives the network's Describe after the calls (what ran each operation).</param>
    public static float[][] Check(NetworkGraph graph, string backend, TensorLayout layout, TensorShape[] shapes, float[][] inputs, bool exact, string what,
        NetworkOptions? options = null, Action<IReadOnlyList<string>>? describe = null)
    {
        ConvBackend chosen = TestBackends.GetOrSkip(backend);
        using var network = new ConvNetwork(graph, ConvBackends.Of(chosen), (options ?? new NetworkOptions()) with { Layout = layout });
        IReadOnlyList<TensorShape> outputShapes = network.OutputShapes(shapes);
        float[][] inputsBefore = inputs.Select(x => x.ToArray()).ToArray();
        float[][] guarded = outputShapes.Select(s => Enumerable.Repeat(GuardValue, s.Length + 2 * Guard).ToArray()).ToArray();
        float[][] guardedInputs = inputs.Select(x => Enumerable.Repeat(GuardValue, Guard).Concat(x).Concat(Enumerable.Repeat(GuardValue, Guard)).ToArray()).ToArray();
        NetworkInput[] runInputs = shapes.Select((s, k) => new NetworkInput(guardedInputs[k].AsMemory(Guard, s.Length), s)).ToArray();
        NetworkOutput[] runOutputs = outputShapes.Select((s, k) => new NetworkOutput(guarded[k].AsMemory(Guard, s.Length))).ToArray();
        for (int call = 0; call < 2; call++) network.Run(runInputs, runOutputs); // the second call on warm state
        // The operations' lines; the closing line on NaN and ±infinity inputs is the NonFinite tests' to check.
        describe?.Invoke(network.Describe().Where(l => !l.StartsWith("non-finite inputs:", StringComparison.Ordinal)).ToList());

        ReferenceTensor[] expected = NetworkEvaluation.Run(graph, shapes.Select((s, k) => ReferenceTensor.Exact(inputs[k], s, layout)).ToArray(), foldedFromBatchNorm: false);
        var outputs = new float[outputShapes.Count][];
        for (int k = 0; k < outputShapes.Count; k++)
        {
            float[] y = guarded[k];
            for (int g = 0; g < Guard; g++)
            {
                Assert.True(y[g] == GuardValue, $"{what}: output {k} guard before the output written at {g - Guard}");
                Assert.True(y[Guard + outputShapes[k].Length + g] == GuardValue, $"{what}: output {k} guard after the output written at +{g}");
            }
            outputs[k] = y.AsSpan(Guard, outputShapes[k].Length).ToArray();
            ReferenceTensor e = expected[k];
            Assert.Equal(e.Shape, outputShapes[k]);
            for (int i = 0; i < e.Value.Length; i++)
            {
                double actual = outputs[k][e.IndexIn(layout, i)];
                if (exact) Assert.True(actual == e.Value[i] || (double.IsNaN(actual) && double.IsNaN(e.Value[i])), $"{what}: output {k}[{i}] {actual} != {e.Value[i]}");
                else Assert.True(actual == e.Value[i] || Math.Abs(actual - e.Value[i]) <= e.Bound[i] || (double.IsNaN(actual) && double.IsNaN(e.Value[i])), // == : the same infinity
                    $"{what}: output {k}[{i}] {actual} vs {e.Value[i]}: |error| {Math.Abs(actual - e.Value[i]):e3} > bound {e.Bound[i]:e3}");
            }
        }
        for (int k = 0; k < inputs.Length; k++)
        {
            Assert.Equal(inputsBefore[k], guardedInputs[k].AsSpan(Guard, inputs[k].Length).ToArray());
            for (int g = 0; g < Guard; g++) Assert.True(guardedInputs[k][g] == GuardValue && guardedInputs[k][^(g + 1)] == GuardValue, $"{what}: input {k}'s guard written");
        }
        return outputs;
    }
}
