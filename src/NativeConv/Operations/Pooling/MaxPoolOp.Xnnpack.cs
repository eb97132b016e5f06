using static NativeConv.Interop.Xnnpack.Xnn;

namespace NativeConv;

internal sealed partial class MaxPoolOp : IXnnpackNode
{
    /// <summary>
    /// A Max Pooling 2D node, ceil mode's partial last window as bottom and right padding. What the node cannot take is
    /// composed: a dilated window over padding reads a −∞ Constant Pad instead (XNNPACK's padding clamps dilated taps to
    /// a position that may lie outside the window, or outside the input), a 1x1 window is a 1x1 Average Pooling (x·1,
    /// exact), a stride beyond the window is stride 1 then a 1x1 Average Pooling at the stride. NaN follows XNNPACK there,
    /// not PyTorch: its max kernels drop a NaN (the reason operation by operation runs the managed pass instead).
    /// </summary>
    public unsafe void Define(XnnpackSubgraph subgraph, IDisposable? statics, ReadOnlySpan<uint> inputs, ReadOnlySpan<uint> outputs, OpShapes shapes)
    {
        PoolGeometry g = Geometry(shapes);
        PoolAxis rows = g.Rows, columns = g.Columns;
        uint source = inputs[0];
        var pad = g.LibraryPadding;
        TensorShape pooling = g.Input with { Height = rows.In + pad.Top + pad.Bottom, Width = columns.In + pad.Left + pad.Right }; // padded
        if (Spec.IsDilated && pad != (0, 0, 0, 0))
        {
            source = XnnpackPoolNodes.ConstantPad(subgraph, source, g.Input, pad, float.NegativeInfinity);
            pad = (0, 0, 0, 0);
        }
        if (Spec.Kernel == new Size2D(1, 1))
        {
            XnnpackPoolNodes.Subsample(subgraph, source, outputs[0], Spec.Stride);
            return;
        }
        // XNNPACK's max pooling takes strides up to its window: beyond, every window at stride 1, then one in stride.
        var inner = new Size2D(rows.Stride <= rows.Kernel ? rows.Stride : 1, columns.Stride <= columns.Kernel ? columns.Stride : 1);
        var subsample = new Size2D(rows.Stride / inner.Height, columns.Stride / inner.Width);
        uint pooled = outputs[0];
        if (subsample != new Size2D(1, 1))
        {
            int spanH = (rows.Kernel - 1) * rows.Dilation + 1, spanW = (columns.Kernel - 1) * columns.Dilation + 1;
            pooled = subgraph.Tensor(g.Input with { Height = (pooling.Height - spanH) / inner.Height + 1, Width = (pooling.Width - spanW) / inner.Width + 1 });
        }
        subgraph.Check(xnn_define_max_pooling_2d(subgraph.Handle, (uint)pad.Top, (uint)pad.Right, (uint)pad.Bottom, (uint)pad.Left,
            (uint)rows.Kernel, (uint)columns.Kernel, (uint)inner.Height, (uint)inner.Width, (uint)rows.Dilation, (uint)columns.Dilation,
            float.NegativeInfinity, float.PositiveInfinity, source, pooled, 0), nameof(xnn_define_max_pooling_2d));
        if (subsample != new Size2D(1, 1)) XnnpackPoolNodes.Subsample(subgraph, pooled, outputs[0], subsample);
    }
}
