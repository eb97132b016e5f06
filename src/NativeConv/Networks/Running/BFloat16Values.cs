namespace NativeConv;

/// <summary>
/// Which values a bfloat16 network keeps in bfloat16 between operations: those a convolution makes and only
/// convolutions read. A convolution would round its float32 input to bfloat16 anyway, so storing the value
/// rounded (round to nearest even, as the conversion does) changes no result; it saves each reader's
/// conversion pass and halves the bytes written and read. Values the managed operations read (residual
/// adds, pools, scales) and the network's output stay float32.
/// </summary>
internal static class BFloat16Values
{
    public static bool[] Find(NetworkGraph graph)
    {
        var keep = new bool[graph.ValueCount];
        foreach (GraphOp op in graph.Ops)
            if (op is ConvOp) keep[op.Output] = true;
        foreach (GraphOp op in graph.Ops)
        {
            if (op is ConvOp) continue;
            foreach (int v in op.Inputs) keep[v] = false; // a managed operation or a fused sum reads it as float32
        }
        foreach (int output in graph.OutputValues) keep[output] = false; // the caller reads float32
        return keep;
    }

    public static BFloat16Tensors For(ConvOp conv, bool[] bfloat16Values) =>
        (bfloat16Values[conv.Input] ? BFloat16Tensors.Input : BFloat16Tensors.None)
        | (bfloat16Values[conv.Output] ? BFloat16Tensors.Output : BFloat16Tensors.None);
}
