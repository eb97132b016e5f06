namespace NativeConv.Onnx;

/// <summary>Cast: folded on constants (to float, double, float16, the integer types, bool); a float32 feature map cast to float32 is itself.</summary>
internal sealed class CastOnnx : OnnxOp
{
    public override IReadOnlyList<string> OpTypes => ["Cast"];

    public override string Summary => "Cast of constants (folded), float32 to float32";

    public override void Infer(Node node, InferContext context)
    {
        int to = (int)node.Int("to", 0);
        ValueInfo? x = context.In(node, 0);
        if (x?.Constant is { } c && (ElementType.IsReal(to) || ElementType.IsInteger(to)))
        {
            if (ElementType.IsReal(to))
                context.Fold(node, 0, Tensor.Real(to, c.Dims, Enumerable.Range(0, c.Length).Select(i => ActivationOnnx.RoundTo(to, c.At(i))).ToArray()));
            else if (c.IsReal)
                context.Fold(node, 0, Tensor.Integer(to, c.Dims, c.Reals!.Select(v => to == ElementType.Bool ? (v != 0 ? 1L : 0L) : double.IsFinite(v) ? (long)Math.Truncate(v) : 0L).ToArray()));
            else
                context.Fold(node, 0, Tensor.Integer(to, c.Dims, c.Ints!.Select(d => to == ElementType.Bool && d.Size is { } v ? Dim.Of(v != 0 ? 1 : 0) : d).ToArray()));
            return;
        }
        context.Set(node, 0, x?.Shape is { } s ? new ValueInfo(to, s) : ValueInfo.UnknownOf(to));
    }

    public override void Lower(Node node, LowerContext context)
    {
        int to = (int)node.Int("to", 0);
        if (context.Map(node, 0) is { } x && to == ElementType.Float && context.Info(node, 0)?.Type == ElementType.Float) context.Alias(node, 0, x, x.Rank);
        else if (context.AnyMissing(node)) context.Skip(node);
        else context.Refuse(node, $"Cast of a value computed at a call to {ElementType.Name(to)}: feature maps are float32");
    }
}
