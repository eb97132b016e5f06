namespace NativeConv.Onnx;

/// <summary>
/// Identity, and Dropout at inference (its mask not used, training_mode absent or a constant false): the same value.
/// Removed before fusion (<see cref="IdentityElimination"/>) wherever that keeps the graph's outputs; a view otherwise.
/// </summary>
internal sealed class IdentityOnnx : OnnxOp
{
    public override IReadOnlyList<string> OpTypes => ["Identity", "Dropout"];

    public override string Summary => "Identity, Dropout (inference)";

    public override (int Min, int Max) Arity(string opType) => opType == "Dropout" ? (1, 3) : (1, 1);

    public override void Infer(Node node, InferContext context)
    {
        if (context.In(node, 0) is { } x) context.Set(node, 0, x);
        else context.Unknown(node);
        if (node.OpType == "Dropout" && node.Outputs.Count > 1) context.Set(node, 1, context.In(node, 0) is { Shape: { } s } ? new ValueInfo(ElementType.Bool, s) : ValueInfo.UnknownOf(ElementType.Bool));
    }

    /// <summary>Why this node is not the identity at inference, or null.</summary>
    public static string? NotIdentity(Node node, OnnxGraph graph)
    {
        if (node.OpType != "Dropout") return null;
        if (node.Outputs.Count > 1 && node.Outputs[1].Length > 0 && graph.ReaderCounts().ContainsKey(node.Outputs[1])) return "Dropout whose mask output is used";
        if (node.HasInput(2) && graph.ConstantOf(node.Input(2)) is not { IsKnown: true } t) return "Dropout whose training_mode is not a constant";
        if (node.HasInput(2) && graph.ConstantOf(node.Input(2))!.Longs().Any(v => v != 0)) return "Dropout in training mode";
        return null;
    }

    public override void Lower(Node node, LowerContext context)
    {
        if (NotIdentity(node, context.Graph) is { } reason)
        {
            context.Refuse(node, reason);
            return;
        }
        if (context.Map(node, 0) is { } x) context.Alias(node, 0, x, x.Rank);
        else if (context.AnyMissing(node)) context.Skip(node);
        else context.Refuse(node, "its input is a constant that was not folded");
    }
}
