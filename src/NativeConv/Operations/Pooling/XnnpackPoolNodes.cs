using static NativeConv.Interop.Xnnpack.Xnn;

namespace NativeConv;

/// <summary>The nodes the pools compose in XNNPACK's subgraph where its pooling nodes alone differ from PyTorch's.</summary>
internal static unsafe class XnnpackPoolNodes
{
    /// <summary>A new tensor: <paramref name="x"/> (of <paramref name="shape"/>) with <paramref name="value"/> rows and columns around it.</summary>
    public static uint ConstantPad(XnnpackSubgraph subgraph, uint x, TensorShape shape, (int Top, int Left, int Bottom, int Right) pad, float value)
    {
        uint y = subgraph.Tensor(shape with { Height = shape.Height + pad.Top + pad.Bottom, Width = shape.Width + pad.Left + pad.Right });
        nuint* before = stackalloc nuint[] { 0, (nuint)pad.Top, (nuint)pad.Left, 0 };
        nuint* after = stackalloc nuint[] { 0, (nuint)pad.Bottom, (nuint)pad.Right, 0 };
        subgraph.Check(xnn_define_static_constant_pad(subgraph.Handle, before, after, value, x, y, 0), nameof(xnn_define_static_constant_pad));
        return y;
    }

    /// <summary>Every <paramref name="stride"/>-th row and column of <paramref name="x"/> into <paramref name="y"/>: a 1x1 average (x·1, exact).</summary>
    public static void Subsample(XnnpackSubgraph subgraph, uint x, uint y, Size2D stride) =>
        subgraph.Check(xnn_define_average_pooling_2d(subgraph.Handle, 0, 0, 0, 0, 1, 1, (uint)stride.Height, (uint)stride.Width,
            float.NegativeInfinity, float.PositiveInfinity, x, y, 0), nameof(xnn_define_average_pooling_2d));
}
