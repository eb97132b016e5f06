using NativeConv.Interop.Xnnpack;
using static NativeConv.Interop.Xnnpack.Xnn;

namespace NativeConv;

internal sealed partial class MultiplyOp : IXnnpackNode
{
    /// <summary>A Multiply node, broadcasting (N, 1, 1, C) over (N, H, W, C) for a per-channel scale.</summary>
    public unsafe void Define(XnnpackSubgraph subgraph, IDisposable? statics, ReadOnlySpan<uint> inputs, ReadOnlySpan<uint> outputs, OpShapes shapes) =>
        subgraph.Check(xnn_define_binary(subgraph.Handle, xnn_binary_operator.xnn_binary_multiply, null, inputs[0], inputs[1], outputs[0], 0), nameof(xnn_define_binary));
}
