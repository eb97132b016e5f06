using NativeConv.Interop.Xnnpack;
using static NativeConv.Interop.Xnnpack.Xnn;

namespace NativeConv;

internal sealed partial class GlobalAveragePoolOp : IXnnpackNode
{
    /// <summary>A Mean over height and width keeping the dimensions.</summary>
    public unsafe void Define(XnnpackSubgraph subgraph, IDisposable? statics, ReadOnlySpan<uint> inputs, ReadOnlySpan<uint> outputs, OpShapes shapes)
    {
        long* axes = stackalloc long[] { 1, 2 }; // H and W of NHWC
        subgraph.Check(xnn_define_static_reduce_v2(subgraph.Handle, xnn_reduce_operator.xnn_reduce_mean, 2, axes, inputs[0], outputs[0], XNN_FLAG_KEEP_DIMS),
            nameof(xnn_define_static_reduce_v2));
    }
}
