namespace NativeConv;

/// <summary>
/// What one convolution needs on XNNPACK whatever the input shape, made once: the weights converted
/// from PyTorch order to XNNPACK's (out, kh, kw, in/groups), the bias, the pool, and the activation's
/// lowering (<see cref="XnnpackActivations"/>). Each input shape gets an <see cref="XnnpackShapeState"/>
/// whose operator packs the weights once.
/// </summary>
internal sealed class XnnpackConvRecipe : KernelRecipe
{
    public XnnpackConvRecipe(Interop.Xnnpack.pthreadpool_t pool, Conv2dSpec spec, TensorLayout layout,
        ReadOnlySpan<float> weights, ReadOnlySpan<float> bias) : base(spec, layout)
    {
        Pool = pool;
        Bias = bias.ToArray();
        Weights = new float[weights.Length];
        ToXnnpackOrder(spec, weights, Weights);
        (OutputMin, OutputMax, ActivationPass) = XnnpackActivations.Lower(spec.Activation);
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

    /// <summary>The pool calls run on (null handle: the caller's thread).</summary>
    public Interop.Xnnpack.pthreadpool_t Pool { get; }

    /// <summary>(out, kh, kw, in/groups).</summary>
    public float[] Weights { get; }

    public float[] Bias { get; }

    /// <summary>The clamp fused into the convolution.</summary>
    public float OutputMin { get; }

    public float OutputMax { get; }

    /// <summary>The activation run as a managed pass after the convolution (None: fused or none).</summary>
    public ActivationKind ActivationPass { get; }

    /// <summary>
    /// XNNPACK has no query for the microkernel it chose, so this names the operator path the spec
    /// selects (dwconv for one input and output channel per group, gemm for 1x1, igemm otherwise).
    /// </summary>
    public string ImplementationName => "xnnpack:" + (Spec.IsDepthwise && Spec.ChannelMultiplier == 1 ? "dwconv" : Spec.IsPointwise ? "gemm" : "igemm");

    public override IShapeState CreateState(in ConvGeometry geometry) => new XnnpackShapeState(this, geometry);

    public override void Dispose()
    {
    }
}
