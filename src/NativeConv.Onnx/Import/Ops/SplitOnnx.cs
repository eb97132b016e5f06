namespace NativeConv.Onnx;

/// <summary>
/// Split (sizes an attribute before opset 13, an input from it, num_outputs from 18): its shape rule; it runs once
/// the graph has a channel split (GraphBuilder.Split), which this build does not have yet.
/// </summary>
internal sealed class SplitOnnx : OnnxOp
{
    public override IReadOnlyList<string> OpTypes => ["Split"];

    public override string Summary => "Split (shapes only in this build)";

    public override (int Min, int Max) Arity(string opType) => (1, 2);

    public override void Infer(Node node, InferContext context)
    {
        ValueInfo? x = context.In(node, 0);
        if (x?.Shape is not { } s)
        {
            context.Unknown(node);
            return;
        }
        int axis = Shapes.Axis(node, node.Int("axis", 0), s.Length);
        long[]? sizes = context.Opset < 13 ? node.Ints("split") : node.HasInput(1) ? context.Constant(node, 1) is { IsKnown: true, Ints: not null } t ? t.Longs() : null : null;
        int parts = node.Outputs.Count;
        if (sizes is null && s[axis].Size is { } total && parts > 0)
        {
            long each = (total + parts - 1) / parts; // equal parts, the last one smaller (opset 18's rule)
            sizes = Enumerable.Range(0, parts).Select(i => Math.Max(0, Math.Min(each, total - i * each))).ToArray();
        }
        for (int k = 0; k < parts; k++)
        {
            Dim[] shape = s.ToArray();
            shape[axis] = sizes is not null && k < sizes.Length ? Dim.Of(sizes[k]) : Dim.Unknown();
            context.Set(node, k, new ValueInfo(x.Type, shape));
        }
    }

    public override void Lower(Node node, LowerContext context)
    {
        context.Refuse(node, "Split of a feature map: needs the graph's channel split (GraphBuilder.Split), not in this build");
    }
}
