namespace NativeConv.Onnx;

/// <summary>
/// An operator NativeConv only folds (shape arithmetic on constants and on the known shapes of feature maps): a node of
/// it that is still there at lowering computes on data known only at a call, and is listed whatever its inputs.
/// </summary>
internal abstract class FoldingOnnx : OnnxOp
{
    public override void Lower(Node node, LowerContext context)
    {
        context.Refuse(node, context.Graph.Notes.GetValueOrDefault(node) ?? $"{node.OpType} on a value computed at a call: {node.OpType} is only folded on constants and known shapes");
    }

    /// <summary>Every row-major index of <paramref name="dims"/>, as offsets from <paramref name="map"/> (a multi-index to an input offset).</summary>
    protected static long[] Gather(long[] dims, Func<long[], long> map)
    {
        long count = Shapes.Count(dims);
        var offsets = new long[count];
        var index = new long[dims.Length];
        for (long i = 0; i < count; i++)
        {
            offsets[i] = map(index);
            for (int a = dims.Length - 1; a >= 0; a--)
            {
                if (++index[a] < dims[a]) break;
                index[a] = 0;
            }
        }
        return offsets;
    }

    /// <summary>The elements of <paramref name="source"/> at <paramref name="offsets"/>, in a tensor of <paramref name="dims"/>.</summary>
    protected static Tensor Pick(Tensor source, long[] dims, long[] offsets) => source.IsReal
        ? Tensor.Real(source.Type, dims, offsets.Select(o => source.Reals![o]).ToArray())
        : Tensor.Integer(source.Type, dims, offsets.Select(o => source.Ints![o]).ToArray());
}
