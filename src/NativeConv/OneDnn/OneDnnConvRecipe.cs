using NativeConv.Interop.OneDnn;
using static NativeConv.Interop.OneDnn.Dnnl;

namespace NativeConv;

/// <summary>
/// What one convolution needs on oneDNN whatever the input shape, made once: the stream, attributes, weights
/// (PyTorch order, which is oneDNN's oihw/goihw) and bias of <see cref="OneDnnRecipeParts"/>, and the choices of
/// precision and layout. Each input shape gets a <see cref="OneDnnShapeState"/> made from it.
/// </summary>
internal sealed unsafe class OneDnnConvRecipe : KernelRecipe<Conv2dSpec>
{
    /// <param name="residualSum">Adds what the output buffer holds before the call (a residual connection) as a sum post-op, after the activation.</param>
    /// <param name="afterSum">With <paramref name="residualSum"/>: the activation after the sum, as post-ops after it.</param>
    /// <param name="nhwcOutput">With an NCHW <paramref name="layout"/>: reads NCHW and writes NHWC (<see cref="OneDnnBackend.CreateNchwInputStem"/>).</param>
    public OneDnnConvRecipe(dnnl_engine_t engine, int threads, Conv2dSpec spec, TensorLayout layout,
        ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, bool residualSum = false, bool bfloat16 = false,
        BFloat16Tensors bfloat16Tensors = BFloat16Tensors.None, bool nhwcOutput = false, Activation? afterSum = null) : base(spec, layout)
    {
        if (nhwcOutput && (layout != TensorLayout.Nchw || spec.OutChannels != OneDnnBackend.NchwStemChannels || bfloat16))
            throw new ArgumentException($"an NCHW-to-NHWC convolution reads NCHW and writes {OneDnnBackend.NchwStemChannels} float channels, not {spec} {layout}", nameof(nhwcOutput));
        NhwcOutput = nhwcOutput;
        BFloat16 = bfloat16;
        BFloat16Tensors = bfloat16 ? bfloat16Tensors : BFloat16Tensors.None;
        Parts = new OneDnnRecipeParts(engine, threads, spec, spec.Groups > 1 ? dnnl_format_tag_t.dnnl_goihw : dnnl_format_tag_t.dnnl_oihw,
            weights, bias, residualSum, afterSum);
    }

    public OneDnnRecipeParts Parts { get; }

    /// <summary>
    /// bfloat16 inside, float32 at the API: weights reordered once to bfloat16, each call's input converted by
    /// a reorder into the state's own buffer, float32 output. (oneDNN's fpmath mode would do it implicitly only
    /// on AMX; on AVX512_BF16 the data types must say bf16.) <see cref="BFloat16Tensors"/> may make the input or
    /// output bfloat16 in memory instead.
    /// </summary>
    public bool BFloat16 { get; }

    /// <summary>Which tensors are bfloat16 in memory: the input then needs no conversion, the output is written as bfloat16.</summary>
    public BFloat16Tensors BFloat16Tensors { get; }

    /// <summary>Reads NCHW, writes NHWC: the output is described as nChw16c, which for 16 channels is the same bytes as NHWC.</summary>
    public bool NhwcOutput { get; }

    public override void PrepareCallingThread() => Parts.PrepareCallingThread();

    public override IShapeState CreateState(in ConvGeometry geometry)
    {
        ConvGeometry g = geometry;
        string context = $"{Spec} on input {g.Batch}x{g.InChannels}x{g.InHeight}x{g.InWidth}";
        OneDnnShapeState State(const_dnnl_memory_desc_t src, const_dnnl_memory_desc_t dst, const_dnnl_memory_desc_t convertFrom = default)
        {
            dnnl_primitive_desc_t Describe() => OneDnnConvPrimitive.Describe(Parts, Spec, src, dst, g.PadTop, g.PadLeft, g.PadBottom, g.PadRight,
                context, BFloat16 ? dnnl_data_type_t.dnnl_bf16 : dnnl_data_type_t.dnnl_f32);
            dnnl_primitive_desc_t pd = OneDnnDepthwiseImplementation.Applies(this) ? OneDnnDepthwiseImplementation.Choose(Describe, context) : Describe();
            return new OneDnnShapeState(Parts, pd, context, convertFrom);
        }

        dnnl_format_tag_t tag = Layout == TensorLayout.Nhwc ? dnnl_format_tag_t.dnnl_nhwc : dnnl_format_tag_t.dnnl_nchw;
        // oneDNN dims are logical NCHW whatever the layout; the tag says how memory is ordered.
        ReadOnlySpan<long> inDims = [g.Batch, g.InChannels, g.InHeight, g.InWidth];
        ReadOnlySpan<long> outDims = [g.Batch, g.OutChannels, g.OutHeight, g.OutWidth];
        using var src = OneDnnMemory.Desc(inDims, tag);
        if (NhwcOutput)
        {
            // oneDNN's first-layer convolution (jit:avx512_core) reads plain NCHW only into a blocked output.
            using var dst16 = OneDnnMemory.Desc(outDims, dnnl_format_tag_t.dnnl_aBcd16b);
            return State(src.Value, dst16.Value); // src is NCHW: the constructor allows no other layout
        }
        using var dst = OneDnnMemory.Desc(outDims, tag, BFloat16Tensors.HasFlag(BFloat16Tensors.Output) ? dnnl_data_type_t.dnnl_bf16 : dnnl_data_type_t.dnnl_f32);
        if (!BFloat16) return State(src.Value, dst.Value);
        using var bf16Src = OneDnnMemory.Desc(inDims, tag, dnnl_data_type_t.dnnl_bf16);
        if (BFloat16Tensors.HasFlag(BFloat16Tensors.Input)) return State(bf16Src.Value, dst.Value);
        return State(bf16Src.Value, dst.Value, convertFrom: src.Value);
    }

    public override void Dispose() => Parts?.Dispose();
}
