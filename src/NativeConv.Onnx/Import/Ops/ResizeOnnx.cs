namespace NativeConv.Onnx;

/// <summary>
/// Resize (roi, scales, sizes inputs from opset 11) and Upsample: the shape rule for constant sizes or scales; they
/// run once the graph has resizing (GraphBuilder.Resize/ResizeLike), which this build does not have yet.
/// </summary>
internal sealed class ResizeOnnx : OnnxOp
{
    public override IReadOnlyList<string> OpTypes => ["Resize", "Upsample"];

    public override string Summary => "Resize/Upsample (shapes only in this build)";

    public override (int Min, int Max) Arity(string opType) => opType == "Resize" ? (1, 4) : (1, 2);

    public override void Infer(Node node, InferContext context)
    {
        ValueInfo? x = context.In(node, 0);
        if (x?.Shape is not { Length: 4 } s)
        {
            context.Unknown(node);
            return;
        }
        int scalesInput = node.OpType == "Upsample" ? 1 : context.Opset < 11 ? 1 : 2;
        Tensor? sizes = node.OpType == "Resize" && context.Opset >= 11 ? context.Constant(node, 3) : null;
        Tensor? scales = context.Constant(node, scalesInput);
        Dim[] shape = s.ToArray();
        if (sizes is { Length: 4, Ints: not null })
            shape = sizes.Ints;
        else if (scales is { Length: 4, IsReal: true })
            for (int i = 0; i < 4; i++) shape[i] = s[i].Size is { } n ? Dim.Of((long)Math.Floor(n * scales.Reals![i])) : Dim.Unknown();
        else
            shape = [s[0], s[1], Dim.Unknown(), Dim.Unknown()];
        context.Set(node, 0, new ValueInfo(x.Type, shape));
    }

    public override void Lower(Node node, LowerContext context)
    {
        context.Refuse(node, $"{node.OpType} (mode '{node.String("mode", "nearest")}'): needs the graph's resize (GraphBuilder.Resize/ResizeLike), not in this build");
    }
}
