namespace NativeConv.Onnx;

/// <summary>Shape (with start/end from opset 15): the input's dimensions as an int64 constant, sizes bound at a call as symbols.</summary>
internal sealed class ShapeOnnx : FoldingOnnx
{
    public override IReadOnlyList<string> OpTypes => ["Shape"];

    public override string Summary => "Shape (folded)";

    public override void Infer(Node node, InferContext context)
    {
        if (context.In(node, 0)?.Shape is not { } s)
        {
            context.Set(node, 0, ValueInfo.UnknownOf(ElementType.Int64));
            return;
        }
        int rank = s.Length;
        long start = node.Int("start", 0), end = node.Int("end", rank);
        start = Math.Clamp(start < 0 ? start + rank : start, 0, rank);
        end = Math.Clamp(end < 0 ? end + rank : end, 0, rank);
        context.Fold(node, 0, Tensor.Vector(s[(int)start..(int)Math.Max(start, end)]));
    }
}
