namespace NativeConv.Onnx;

/// <summary>
/// Transpose: folded on constants; of a feature map it runs only as part of a channel shuffle (Reshape-Transpose-Reshape,
/// <see cref="ChannelShuffleFusion"/>): NativeConv chooses layouts itself.
/// </summary>
internal sealed class TransposeOnnx : FoldingOnnx
{
    public override IReadOnlyList<string> OpTypes => ["Transpose"];

    public override string Summary => "Transpose of constants (folded), in a channel shuffle";

    public override void Infer(Node node, InferContext context)
    {
        ValueInfo? x = context.In(node, 0);
        if (x?.Shape is not { } s)
        {
            context.Unknown(node);
            return;
        }
        long[] perm = node.Ints("perm") ?? Enumerable.Range(0, s.Length).Reverse().Select(i => (long)i).ToArray();
        if (perm.Length != s.Length || perm.Order().Select((p, i) => p != i).Any(b => b))
            throw new OnnxFormatException($"{node}: perm [{string.Join(", ", perm)}] is not a permutation of {s.Length} axes");
        if (x.Constant is { } c)
        {
            long[] dims = perm.Select(p => c.Dims[p]).ToArray();
            long[] strides = Shapes.Strides(c.Dims);
            context.Fold(node, 0, Pick(c, dims, Gather(dims, index => index.Select((j, a) => j * strides[perm[a]]).Sum())));
            return;
        }
        context.Set(node, 0, new ValueInfo(x.Type, perm.Select(p => s[p]).ToArray()));
    }

    public override void Lower(Node node, LowerContext context)
    {
        context.Refuse(node, $"Transpose of a feature map (perm [{string.Join(", ", node.Ints("perm") ?? [])}]): only within a channel shuffle (Reshape-Transpose-Reshape)");
    }
}
