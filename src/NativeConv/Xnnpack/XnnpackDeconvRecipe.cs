namespace NativeConv;

/// <summary>
/// What one transposed convolution needs on XNNPACK whatever the input shape, made once: the weights converted from
/// PyTorch's (in, out/groups, kh, kw) to the (groups, out/groups, kh, kw, in/groups) XNNPACK's deconvolution packs
/// (its "goki"), how output padding becomes XNNPACK's padding and adjustment (<see cref="TransposedLowering"/>), and
/// what <see cref="XnnpackRecipe{TSpec}"/> keeps. Each input shape gets an <see cref="XnnpackShapeState"/> on a
/// deconvolution operator.
/// </summary>
internal sealed class XnnpackDeconvRecipe : XnnpackRecipe<ConvTranspose2dSpec>
{
    public XnnpackDeconvRecipe(Interop.Xnnpack.pthreadpool_t pool, ConvTranspose2dSpec spec, TensorLayout layout,
        ReadOnlySpan<float> weights, ReadOnlySpan<float> bias) : base(pool, spec, layout, ToXnnpackOrder(spec, weights), bias)
    {
        Lowering = TransposedLowering.Of(spec);
        // The operator depends on the spec alone, but is made per shape as a convolution's is (reshaping mutates it);
        // making (and dropping) one now makes a spec XNNPACK rejects fail at construction.
        using var probe = XnnpackShapeState.CreateDeconvolution(this);
    }

    public TransposedLowering Lowering { get; }

    /// <summary>PyTorch's (in, out/groups, kh, kw) to XNNPACK's (groups, out/groups, kh, kw, in/groups).</summary>
    public static float[] ToXnnpackOrder(ConvTranspose2dSpec spec, ReadOnlySpan<float> weights)
    {
        int icg = spec.InChannelsPerGroup, ocg = spec.OutChannelsPerGroup, kh = spec.Kernel.Height, kw = spec.Kernel.Width;
        var converted = new float[weights.Length];
        for (int g = 0; g < spec.Groups; g++)
            for (int i = 0; i < icg; i++)
                for (int o = 0; o < ocg; o++)
                    for (int y = 0; y < kh; y++)
                        for (int x = 0; x < kw; x++)
                            converted[(((g * ocg + o) * kh + y) * kw + x) * icg + i] = weights[(((g * icg + i) * ocg + o) * kh + y) * kw + x];
        return converted;
    }

    /// <summary>
    /// Whether XNNPACK's deconvolution splits into stride² sub-convolutions (src/operators/deconvolution-nhwc.c): a stride
    /// above 1, dilation 1, and the stride within the kernel on both axes. Anything else runs as one indirect GEMM.
    /// </summary>
    public bool UsesSubconvolutions => SplitsIntoSubconvolutions(Spec);

    /// <summary>The same for any spec (the subgraph's node meets the same rule).</summary>
    public static bool SplitsIntoSubconvolutions(ConvTranspose2dSpec spec) => Math.Max(spec.Stride.Height, spec.Stride.Width) > 1 && spec.Dilation == new Size2D(1, 1)
        && spec.Stride.Height <= spec.Kernel.Height && spec.Stride.Width <= spec.Kernel.Width;

    /// <summary>The path XNNPACK takes: sub-convolutions, each a plain GEMM when the kernel equals the stride and nothing is padded or adjusted; else one indirect GEMM.</summary>
    public override string ImplementationName
    {
        get
        {
            if (!UsesSubconvolutions) return "xnnpack:deconv-igemm";
            bool plain = Spec.Kernel == Spec.Stride && (Spec.Padding.Top | Spec.Padding.Left | Lowering.PadBottom | Lowering.PadRight) == 0
                && (Lowering.AdjustHeight | Lowering.AdjustWidth) == 0;
            return plain ? "xnnpack:deconv-subconv2d-gemm" : "xnnpack:deconv-subconv2d-igemm";
        }
    }

    public override IShapeState CreateState(in ConvGeometry geometry) => new XnnpackShapeState(this, geometry);
}
