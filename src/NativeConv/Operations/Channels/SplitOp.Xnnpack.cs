using static NativeConv.Interop.Xnnpack.Xnn;

namespace NativeConv;

/// <remarks>
/// No <see cref="IXnnpackOperation"/> or <see cref="IOneDnnOperation"/> (oneDNN has no split primitive): operation by
/// operation, the managed copy beat XNNPACK's strided copy operators and oneDNN reorders of sub-memories at ShuffleNet
/// v2's shapes (measured, interleaved).
/// </remarks>
internal sealed partial class SplitOp : IXnnpackNode
{
    /// <summary>
    /// An Even Split node along NHWC's channel axis for 2 to 4 equal parts; other splits (unequal, or more parts) a Static
    /// Slice node per part; one part is a Copy node.
    /// </summary>
    public unsafe void Define(XnnpackSubgraph subgraph, IDisposable? statics, ReadOnlySpan<uint> inputs, ReadOnlySpan<uint> outputs, OpShapes shapes)
    {
        const int Axis = 3;
        if (outputs.Length == 1)
        {
            subgraph.Check(xnn_define_copy(subgraph.Handle, inputs[0], outputs[0], 0), nameof(xnn_define_copy));
            return;
        }
        if (Even && outputs.Length <= 4)
        {
            subgraph.Check(outputs.Length switch
            {
                2 => xnn_define_even_split2(subgraph.Handle, Axis, inputs[0], outputs[0], outputs[1], 0),
                3 => xnn_define_even_split3(subgraph.Handle, Axis, inputs[0], outputs[0], outputs[1], outputs[2], 0),
                _ => xnn_define_even_split4(subgraph.Handle, Axis, inputs[0], outputs[0], outputs[1], outputs[2], outputs[3], 0),
            }, $"xnn_define_even_split{outputs.Length}");
            return;
        }
        TensorShape x = shapes.Input;
        nuint* offsets = stackalloc nuint[] { 0, 0, 0, 0 };
        nuint* sizes = stackalloc nuint[] { (nuint)x.Batch, (nuint)x.Height, (nuint)x.Width, 0 };
        int offset = 0;
        for (int k = 0; k < outputs.Length; k++)
        {
            offsets[Axis] = (nuint)offset;
            sizes[Axis] = (nuint)Channels[k];
            subgraph.Check(xnn_define_static_slice(subgraph.Handle, 4, offsets, sizes, inputs[0], outputs[k], 0), nameof(xnn_define_static_slice));
            offset += Channels[k];
        }
    }
}
