using static NativeConv.Interop.Xnnpack.Xnn;

namespace NativeConv;

internal sealed partial class AvgPoolOp : IXnnpackNode
{
    /// <summary>
    /// An Average Pooling 2D node. XNNPACK divides by the window's taps inside its input once it has any padding, by the
    /// window's size without: that is PyTorch's count without count_include_pad, and ceil mode's partial last window
    /// is bottom and right padding. With count_include_pad, the spec's padding is a zero Constant Pad first, so the taps
    /// XNNPACK counts are the window clipped to the padded input, PyTorch's divisor. NaN follows XNNPACK, not PyTorch:
    /// its kernels clamp to the output bounds after the division, which turns a NaN into −∞. That, and its operator
    /// measuring no faster than the managed pass where its divisor is PyTorch's, is why operation by operation
    /// XNNPACK's backend runs the managed pass.
    /// </summary>
    public unsafe void Define(XnnpackSubgraph subgraph, IDisposable? statics, ReadOnlySpan<uint> inputs, ReadOnlySpan<uint> outputs, OpShapes shapes)
    {
        PoolGeometry g = Geometry(shapes);
        PoolAxis rows = g.Rows, columns = g.Columns;
        uint source = inputs[0];
        var pad = g.LibraryPadding;
        if (Spec.CountIncludePad && Spec.IsPadded)
        {
            source = XnnpackPoolNodes.ConstantPad(subgraph, source, g.Input, (rows.PadBegin, columns.PadBegin, rows.PadEnd, columns.PadEnd), 0);
            // What ceil mode's last window reaches past the end padding stays XNNPACK's padding, which it does not count.
            pad = (0, 0, Math.Max(0, pad.Bottom - rows.PadEnd), Math.Max(0, pad.Right - columns.PadEnd));
        }
        subgraph.Check(xnn_define_average_pooling_2d(subgraph.Handle, (uint)pad.Top, (uint)pad.Right, (uint)pad.Bottom, (uint)pad.Left,
            (uint)rows.Kernel, (uint)columns.Kernel, (uint)rows.Stride, (uint)columns.Stride, float.NegativeInfinity, float.PositiveInfinity,
            source, outputs[0], 0), nameof(xnn_define_average_pooling_2d));
    }
}
