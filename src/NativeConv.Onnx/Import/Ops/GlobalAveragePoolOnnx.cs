namespace NativeConv.Onnx;

/// <summary>
/// GlobalAveragePool, and ReduceMean over the two spatial axes of (N, C, H, W) (axes an attribute before opset 18, an
/// input from it), keepdims or not: <see cref="GraphBuilder.GlobalAveragePool"/>; without keepdims the result is the
/// rank-2 (N, C) view of the same value.
/// </summary>
internal sealed class GlobalAveragePoolOnnx : OnnxOp
{
    public override IReadOnlyList<string> OpTypes => ["GlobalAveragePool", "ReduceMean"];

    public override string Summary => "GlobalAveragePool, ReduceMean over H and W of (N, C, H, W)";

    public override (int Min, int Max) Arity(string opType) => opType == "ReduceMean" ? (1, 2) : (1, 1);

    public override void Infer(Node node, InferContext context)
    {
        ValueInfo? x = context.In(node, 0);
        if (x?.Shape is not { Length: 4 } s || Pooled(node, context.Graph, out bool keep) is not [2, 3])
        {
            context.Unknown(node);
            return;
        }
        context.Set(node, 0, new ValueInfo(x.Type, keep ? [s[0], s[1], Dim.Of(1), Dim.Of(1)] : [s[0], s[1]]));
    }

    /// <summary>The reduced axes (normalized, sorted) of a ReduceMean on rank 4, or [2, 3] for GlobalAveragePool; null when unknown.</summary>
    private static long[]? Pooled(Node node, OnnxGraph graph, out bool keepDims)
    {
        keepDims = true;
        if (node.OpType == "GlobalAveragePool") return [2, 3];
        keepDims = node.Int("keepdims", 1) != 0;
        long[]? axes;
        if (graph.Opset < 18) axes = node.Ints("axes");
        else if (!node.HasInput(1)) axes = null;
        else if (graph.ConstantOf(node.Input(1)) is { IsKnown: true } t) axes = t.Longs();
        else return null;
        if (axes is null || axes.Length == 0)
            return graph.Opset >= 18 && node.Int("noop_with_empty_axes", 0) != 0 ? [] : [0, 1, 2, 3];
        return axes.Select(a => a < 0 ? a + 4 : a).Order().ToArray();
    }

    public override void Lower(Node node, LowerContext context)
    {
        long[]? axes = Pooled(node, context.Graph, out bool keep);
        FeatureMap? x = context.Map(node, 0);
        string? reason = axes is null ? "ReduceMean axes that are not a constant"
            : context.NotMap(node, 0) ?? (x is { Rank: not 4 } m ? $"a mean over a rank-{m.Rank} feature map (only (N, C, H, W))"
            : !axes.SequenceEqual([2L, 3L]) ? $"ReduceMean over axes [{string.Join(", ", axes)}]: only over H and W (axes [2, 3])" : null);
        if (context.Stops(node, reason)) return;
        context.Define(node, 0, context.Builder.GlobalAveragePool(x!.Value.Value, context.Name(node)), keep ? 4 : 2);
    }
}
