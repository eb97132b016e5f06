namespace NativeConv;

/// <summary>
/// What one convolution needs on XNNPACK whatever the input shape, made once: the weights converted
/// from PyTorch order to XNNPACK's (out, kh, kw, in/groups), and what <see cref="XnnpackRecipe{TSpec}"/> keeps.
/// Each input shape gets an <see cref="XnnpackShapeState"/> whose operator packs the weights once.
/// </summary>
internal sealed class XnnpackConvRecipe : XnnpackRecipe<Conv2dSpec>
{
    public XnnpackConvRecipe(Interop.Xnnpack.pthreadpool_t pool, Conv2dSpec spec, TensorLayout layout,
        ReadOnlySpan<float> weights, ReadOnlySpan<float> bias) : base(pool, spec, layout, ToXnnpackOrder(spec, weights), bias)
    {
        // Operators are made per input shape; creating (and dropping) an unpadded one now makes a
        // spec XNNPACK rejects fail at construction rather than at the first call.
        using var probe = XnnpackShapeState.CreateConvolution(this, 0, 0, 0, 0);
    }

    /// <summary>PyTorch's (out, in/groups, kh, kw) to XNNPACK's (out, kh, kw, in/groups).</summary>
    public static void ToXnnpackOrder(Conv2dSpec spec, ReadOnlySpan<float> weights, Span<float> destination)
    {
        int icg = spec.InChannelsPerGroup, kh = spec.Kernel.Height, kw = spec.Kernel.Width;
        for (int oc = 0; oc < spec.OutChannels; oc++)
            for (int ic = 0; ic < icg; ic++)
                for (int y = 0; y < kh; y++)
                    for (int x = 0; x < kw; x++)
                        destination[((oc * kh + y) * kw + x) * icg + ic] = weights[((oc * icg + ic) * kh + y) * kw + x];
    }

    private static float[] ToXnnpackOrder(Conv2dSpec spec, ReadOnlySpan<float> weights)
    {
        var converted = new float[weights.Length];
        ToXnnpackOrder(spec, weights, converted);
        return converted;
    }

    /// <summary>dwconv for one input and output channel per group, gemm for 1x1, igemm otherwise.</summary>
    public override string ImplementationName => "xnnpack:" + (Spec.IsDepthwise && Spec.ChannelMultiplier == 1 ? "dwconv" : Spec.IsPointwise ? "gemm" : "igemm");

    public override IShapeState CreateState(in ConvGeometry geometry) => new XnnpackShapeState(this, geometry);
}
