namespace NativeConv.Onnx;

/// <summary>
/// GELU in its erf form as exporters write it (ONNX has no Gelu before opset 20): x·(1 + Erf(x/√2))·0.5, with x/√2 a
/// Div by √2 or a Mul by 1/√2, the 1 added on either side, and the three factors x, 1 + erf and 0.5 multiplied in any
/// order (PyTorch: (x·(1 + erf))·0.5; others: (x·0.5)·(1 + erf) or x·((1 + erf)·0.5)) → GELU. The constants must be
/// scalars: √2 or 1/√2 to float32's precision (what a float32 file can hold), 1 and 0.5 exactly. Every intermediate
/// value must be read by the pattern alone.
/// </summary>
internal sealed class GeluFusion : IFusion
{
    private const double Sqrt2 = 1.4142135623730951;

    /// <summary>The relative difference a float32 √2 or 1/√2 may have from the exact one: float32's unit roundoff.</summary>
    private const double Float32Roundoff = 1.0 / (1 << 24);

    public void Apply(OnnxGraph graph)
    {
        Dictionary<string, Node> producers = graph.Producers();
        foreach (Node erf in graph.Nodes.ToList())
        {
            if (erf.OpType != "Erf" || erf.Domain.Length > 0 || !graph.Nodes.Contains(erf)) continue;
            if (Match(graph, producers, erf) is not { } match) continue;
            var fused = new Node("GELU", OnnxGraph.NativeDomain, match.Last.Name, [match.X], [match.Last.Outputs[0]], []);
            fused.Absorbed.AddRange(match.Nodes.OrderBy(graph.Nodes.IndexOf));
            graph.Fuse(fused, match.Nodes);
            producers[fused.Outputs[0]] = fused;
        }
    }

    private sealed record Found(string X, Node[] Nodes, Node Last);

    private static Found? Match(OnnxGraph graph, Dictionary<string, Node> producers, Node erf)
    {
        // x/√2 or x·(1/√2), read by the Erf alone.
        if (!producers.TryGetValue(erf.Input(0), out Node? scaled) || Fusions.OnlyReader(graph, scaled.Outputs[0]) != erf) return null;
        string? x = scaled.OpType switch
        {
            "Div" when IsScalar(graph, scaled.Input(1), Sqrt2, Float32Roundoff) => scaled.Input(0),
            "Mul" => OtherThanScalar(graph, scaled, 1 / Sqrt2, Float32Roundoff),
            _ => null,
        };
        if (x is null || scaled.Domain.Length > 0 || graph.ConstantOf(x) is not null) return null;
        // 1 + erf.
        if (Fusions.OnlyReader(graph, erf.Outputs[0]) is not { OpType: "Add", Domain: "" } plusOne || Other(plusOne, erf.Outputs[0]) is not { } one
            || !IsScalar(graph, one, 1, 0)) return null;
        if (Fusions.OnlyReader(graph, plusOne.Outputs[0]) is not { OpType: "Mul", Domain: "" } first) return null;
        string? other = Other(first, plusOne.Outputs[0]);
        if (other is null) return null;
        if (other == x)
        {
            // (x·(1 + erf))·0.5
            if (Fusions.OnlyReader(graph, first.Outputs[0]) is not { OpType: "Mul", Domain: "" } half || !IsScalar(graph, Other(half, first.Outputs[0]), 0.5, 0)) return null;
            return new Found(x, [scaled, erf, plusOne, first, half], half);
        }
        if (IsScalar(graph, other, 0.5, 0))
        {
            // x·((1 + erf)·0.5)
            if (Fusions.OnlyReader(graph, first.Outputs[0]) is not { OpType: "Mul", Domain: "" } last || Other(last, first.Outputs[0]) != x) return null;
            return new Found(x, [scaled, erf, plusOne, first, last], last);
        }
        // (x·0.5)·(1 + erf)
        if (!producers.TryGetValue(other, out Node? halfX) || halfX is not { OpType: "Mul", Domain: "" } || Fusions.OnlyReader(graph, other) != first
            || OtherThanScalar(graph, halfX, 0.5, 0) != x) return null;
        return new Found(x, [halfX, scaled, erf, plusOne, first], first);
    }

    /// <summary>The binary node's input other than <paramref name="value"/> (null when both or neither are it).</summary>
    private static string? Other(Node node, string value) =>
        node.Inputs.Count != 2 ? null : node.Input(0) == value && node.Input(1) != value ? node.Input(1) : node.Input(1) == value && node.Input(0) != value ? node.Input(0) : null;

    /// <summary>The input of the binary <paramref name="node"/> that is not the scalar <paramref name="expected"/> (null when neither is it).</summary>
    private static string? OtherThanScalar(OnnxGraph graph, Node node, double expected, double tolerance) =>
        node.Inputs.Count != 2 ? null : IsScalar(graph, node.Input(1), expected, tolerance) ? node.Input(0) : IsScalar(graph, node.Input(0), expected, tolerance) ? node.Input(1) : null;

    /// <summary>Whether <paramref name="name"/> is a constant single real within a relative <paramref name="tolerance"/> of <paramref name="expected"/>.</summary>
    private static bool IsScalar(OnnxGraph graph, string? name, double expected, double tolerance) =>
        name is not null && graph.ConstantOf(name) is { IsReal: true, Length: 1 } c && Math.Abs(c.Reals![0] - expected) <= tolerance * expected;
}
