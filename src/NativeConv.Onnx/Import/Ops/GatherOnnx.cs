namespace NativeConv.Onnx;

/// <summary>Gather on constants (e.g. one dimension out of a Shape), along any axis, negative indices counted from the end.</summary>
internal sealed class GatherOnnx : FoldingOnnx
{
    public override IReadOnlyList<string> OpTypes => ["Gather"];

    public override string Summary => "Gather (folded)";

    public override (int Min, int Max) Arity(string opType) => (2, 2);

    public override void Infer(Node node, InferContext context)
    {
        Tensor? data = context.Constant(node, 0), indices = context.Constant(node, 1);
        if (data is null || indices is not { Ints: not null, IsKnown: true })
        {
            context.Unknown(node);
            return;
        }
        int axis = Shapes.Axis(node, node.Int("axis", 0), data.Rank);
        long size = data.Dims[axis];
        long[] picks = indices.Longs().Select(i => i < 0 ? i + size : i).ToArray();
        if (picks.Any(i => i < 0 || i >= size)) throw new OnnxFormatException($"{node}: an index of [{string.Join(", ", indices.Longs())}] is out of range for {size}");
        long[] dims = [.. data.Dims[..axis], .. indices.Dims, .. data.Dims[(axis + 1)..]];
        long[] strides = Shapes.Strides(data.Dims);
        int k = indices.Rank;
        long[] indexStrides = Shapes.Strides(indices.Dims);
        context.Fold(node, 0, Pick(data, dims, Gather(dims, index =>
        {
            long offset = 0, pick = 0;
            for (int a = 0; a < axis; a++) offset += index[a] * strides[a];
            for (int a = 0; a < k; a++) pick += index[axis + a] * indexStrides[a];
            offset += picks[pick] * strides[axis];
            for (int a = axis + 1; a < data.Rank; a++) offset += index[a + k - 1] * strides[a];
            return offset;
        })));
    }
}
