using NativeConv.Interop.OneDnn;

namespace NativeConv;

/// <summary>
/// What one transposed convolution needs on oneDNN whatever the input shape, made once: the stream, attributes,
/// weights and bias of <see cref="OneDnnRecipeParts"/> (PyTorch's (in, out/groups, kh, kw) is oneDNN's iohw/giohw over
/// the logical (g, oc/g, ic/g, kh, kw)), and how output padding becomes oneDNN's padding (<see cref="TransposedLowering"/>).
/// Each input shape gets a <see cref="OneDnnShapeState"/> on oneDNN's deconvolution primitive.
/// </summary>
internal sealed unsafe class OneDnnDeconvRecipe : KernelRecipe<ConvTranspose2dSpec>
{
    public OneDnnDeconvRecipe(dnnl_engine_t engine, int threads, ConvTranspose2dSpec spec, TensorLayout layout,
        ReadOnlySpan<float> weights, ReadOnlySpan<float> bias) : base(spec, layout)
    {
        Lowering = TransposedLowering.Of(spec);
        Parts = new OneDnnRecipeParts(engine, threads, spec, spec.Groups > 1 ? dnnl_format_tag_t.dnnl_giohw : dnnl_format_tag_t.dnnl_iohw,
            weights, bias);
    }

    public OneDnnRecipeParts Parts { get; }

    public TransposedLowering Lowering { get; }

    public override void PrepareCallingThread() => Parts.PrepareCallingThread();

    public override IShapeState CreateState(in ConvGeometry g)
    {
        string context = $"{Spec} on input {g.Batch}x{g.InChannels}x{g.InHeight}x{g.InWidth} {Layout}";
        dnnl_format_tag_t tag = Layout == TensorLayout.Nhwc ? dnnl_format_tag_t.dnnl_nhwc : dnnl_format_tag_t.dnnl_nchw;
        TransposedLowering l = Lowering;
        using var src = OneDnnMemory.Desc([g.Batch, g.InChannels, g.InHeight + l.ExtraRows, g.InWidth + l.ExtraColumns], tag);
        using var dst = OneDnnMemory.Desc([g.Batch, g.OutChannels, g.OutHeight, g.OutWidth], tag);
        // padding_r below 0 extends the output past the full one (by less than a stride: oneDNN's limit).
        dnnl_primitive_desc_t pd = OneDnnConvPrimitive.Describe(Parts, Spec, src.Value, dst.Value,
            g.PadTop, g.PadLeft, l.PadBottom - l.AdjustHeight, l.PadRight - l.AdjustWidth, context);
        PaddedImages? extended = null;
        try
        {
            if (l.ExtendsInput) extended = new PaddedImages(Layout, g.Batch, g.InChannels, g.InHeight, g.InWidth, l.ExtraRows, l.ExtraColumns);
        }
        catch
        {
            Dnnl.dnnl_primitive_desc_destroy(pd);
            throw;
        }
        return new OneDnnShapeState(Parts, pd, context, extended: extended);
    }

    public override void Dispose() => Parts?.Dispose();
}
