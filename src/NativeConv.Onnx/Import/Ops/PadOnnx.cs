namespace NativeConv.Onnx;

/// <summary>
/// Pad: a zero Pad of H and W before a Conv or AveragePool is merged into its padding (<see cref="PadFusion"/>); folded
/// on nothing else. Its shape rule keeps what follows it checked.
/// </summary>
internal sealed class PadOnnx : OnnxOp
{
    public override IReadOnlyList<string> OpTypes => ["Pad"];

    public override string Summary => "Pad (zeros on H and W) before a Conv or AveragePool";

    public override (int Min, int Max) Arity(string opType) => (1, 4);

    public override void Infer(Node node, InferContext context)
    {
        ValueInfo? x = context.In(node, 0);
        long[]? pads = Pads(node, context.Graph);
        if (x?.Shape is not { } s || pads is null || pads.Length != 2 * s.Length)
        {
            context.Unknown(node);
            return;
        }
        context.Set(node, 0, new ValueInfo(x.Type, s.Select((d, i) => d.Size is { } n ? Dim.Of(n + pads[i] + pads[i + s.Length]) : Dim.Unknown()).ToArray()));
    }

    /// <summary>The pads (begins of every axis, then ends): an attribute before opset 11, a constant input from it; null when not known.</summary>
    public static long[]? Pads(Node node, OnnxGraph graph) =>
        graph.Opset < 11 ? node.Ints("pads") : graph.ConstantOf(node.Input(1)) is { IsKnown: true, Ints: not null } t ? t.Longs() : null;

    /// <summary>Whether it pads with zeros (mode constant, value 0 or absent).</summary>
    public static bool ZeroConstant(Node node, OnnxGraph graph)
    {
        if (node.String("mode", "constant") != "constant") return false;
        if (graph.Opset < 11) return node.Float("value", 0) == 0;
        return !node.HasInput(2) || graph.ConstantOf(node.Input(2)) is { Length: 1 } v && v.At(0) == 0;
    }

    public override void Lower(Node node, LowerContext context)
    {
        context.Refuse(node, $"Pad (mode '{node.String("mode", "constant")}', pads [{string.Join(", ", Pads(node, context.Graph) ?? [])}]) not merged into a Conv or AveragePool after it");
    }
}
