using NativeConv.Interop.OneDnn;
using static NativeConv.Interop.OneDnn.Dnnl;

namespace NativeConv;

/// <summary>
/// What one convolution needs on oneDNN whatever the input shape, made once: a stream, the attributes
/// (activation post-op from <see cref="OneDnnActivations"/>, user scratchpad), the caller's weights
/// (PyTorch order, which is oneDNN's oihw/goihw) and bias copied into native memory. Each input shape
/// gets a <see cref="OneDnnShapeState"/> made from it.
/// </summary>
internal sealed unsafe class OneDnnConvRecipe : KernelRecipe
{
    private readonly OneDnnStreamHandle _stream;
    private readonly OneDnnPrimitiveAttrHandle _attributes;
    private readonly OneDnnMemoryDescHandle _userWeightsDesc;
    private readonly OneDnnMemoryHandle _userWeights;
    private readonly OneDnnMemoryHandle? _bias;

    /// <param name="residualSum">Adds what the output buffer holds before the call (a residual connection) as a sum post-op, after the activation.</param>
    /// <param name="nhwcOutput">With an NCHW <paramref name="layout"/>: reads NCHW and writes NHWC (<see cref="OneDnnBackend.CreateNchwInputStem"/>).</param>
    public OneDnnConvRecipe(dnnl_engine_t engine, int threads, Conv2dSpec spec, TensorLayout layout,
        ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, bool residualSum = false, bool bfloat16 = false,
        BFloat16Tensors bfloat16Tensors = BFloat16Tensors.None, bool nhwcOutput = false) : base(spec, layout)
    {
        if (nhwcOutput && (layout != TensorLayout.Nchw || spec.OutChannels != OneDnnBackend.NchwStemChannels || bfloat16))
            throw new ArgumentException($"an NCHW-to-NHWC convolution reads NCHW and writes {OneDnnBackend.NchwStemChannels} float channels, not {spec} {layout}", nameof(nhwcOutput));
        NhwcOutput = nhwcOutput;
        Engine = engine;
        Threads = threads;
        try
        {
            dnnl_stream_t stream;
            ThrowIfFailed(dnnl_stream_create(&stream, engine, (uint)dnnl_stream_flags_t.dnnl_stream_default_flags), nameof(dnnl_stream_create));
            _stream = new OneDnnStreamHandle(stream);
            _attributes = CreateAttributes(spec.Activation, residualSum);
            BFloat16 = bfloat16;
            BFloat16Tensors = bfloat16 ? bfloat16Tensors : BFloat16Tensors.None;
            _userWeightsDesc = OneDnnMemory.WeightsDesc(spec, spec.Groups > 1 ? dnnl_format_tag_t.dnnl_goihw : dnnl_format_tag_t.dnnl_oihw);
            _userWeights = OneDnnMemory.Copy(engine, _userWeightsDesc, weights, "weights");
            if (spec.HasBias)
            {
                using var md = OneDnnMemory.Desc([spec.OutChannels], dnnl_format_tag_t.dnnl_a);
                _bias = OneDnnMemory.Copy(engine, md, bias, "bias");
            }
        }
        catch
        {
            Dispose(); // null-tolerant: releases what was made
            throw;
        }
    }

    public dnnl_engine_t Engine { get; }

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

    /// <summary>OpenMP threads per call.</summary>
    public int Threads { get; }

    public dnnl_stream_t Stream => _stream.Value;

    public dnnl_primitive_attr_t Attributes => _attributes.Value;

    public const_dnnl_memory_desc_t UserWeightsDesc => _userWeightsDesc.Value;

    public dnnl_memory_t UserWeights => _userWeights.Value;

    /// <summary>The bias memory, or a null handle when the spec has none.</summary>
    public dnnl_memory_t Bias => _bias?.Value ?? default;

    /// <summary>
    /// oneDNN fixes a primitive's thread count when it creates it, from the calling thread's OpenMP
    /// setting, and runs it on that many threads from then on: set it before a state is made or run.
    /// </summary>
    public override void PrepareCallingThread() => OpenMpThreads.Use(Threads);

    public override IShapeState CreateState(in ConvGeometry geometry)
    {
        dnnl_format_tag_t tag = Layout == TensorLayout.Nhwc ? dnnl_format_tag_t.dnnl_nhwc : dnnl_format_tag_t.dnnl_nchw;
        // oneDNN dims are logical NCHW whatever the layout; the tag says how memory is ordered.
        ReadOnlySpan<long> inDims = [geometry.Batch, geometry.InChannels, geometry.InHeight, geometry.InWidth];
        ReadOnlySpan<long> outDims = [geometry.Batch, geometry.OutChannels, geometry.OutHeight, geometry.OutWidth];
        using var src = OneDnnMemory.Desc(inDims, tag);
        if (NhwcOutput)
        {
            // oneDNN's first-layer convolution (jit:avx512_core) reads plain NCHW only into a blocked output.
            using var dst16 = OneDnnMemory.Desc(outDims, dnnl_format_tag_t.dnnl_aBcd16b);
            return new OneDnnShapeState(this, geometry, src.Value, dst16.Value); // src is NCHW: the constructor allows no other layout
        }
        using var dst = OneDnnMemory.Desc(outDims, tag, BFloat16Tensors.HasFlag(BFloat16Tensors.Output) ? dnnl_data_type_t.dnnl_bf16 : dnnl_data_type_t.dnnl_f32);
        if (!BFloat16) return new OneDnnShapeState(this, geometry, src.Value, dst.Value);
        using var bf16Src = OneDnnMemory.Desc(inDims, tag, dnnl_data_type_t.dnnl_bf16);
        if (BFloat16Tensors.HasFlag(BFloat16Tensors.Input)) return new OneDnnShapeState(this, geometry, bf16Src.Value, dst.Value);
        return new OneDnnShapeState(this, geometry, bf16Src.Value, dst.Value, convertFrom: src.Value);
    }

    private static OneDnnPrimitiveAttrHandle CreateAttributes(Activation activation, bool residualSum)
    {
        dnnl_primitive_attr_t attr;
        ThrowIfFailed(dnnl_primitive_attr_create(&attr), nameof(dnnl_primitive_attr_create));
        var handle = new OneDnnPrimitiveAttrHandle(attr);
        // The scratchpad is ours: allocated once per shape, never inside a call.
        ThrowIfFailed(dnnl_primitive_attr_set_scratchpad_mode(attr, dnnl_scratchpad_mode_t.dnnl_scratchpad_mode_user),
            nameof(dnnl_primitive_attr_set_scratchpad_mode));
        var postOp = OneDnnActivations.PostOp(activation);
        if (postOp is null && !residualSum) return handle;
        dnnl_post_ops_t ops;
        ThrowIfFailed(dnnl_post_ops_create(&ops), nameof(dnnl_post_ops_create));
        using var opsHandle = new OneDnnPostOpsHandle(ops);
        if (postOp is var (algorithm, alpha, beta))
            ThrowIfFailed(dnnl_post_ops_append_eltwise(ops, algorithm, alpha, beta), nameof(dnnl_post_ops_append_eltwise), activation.ToString());
        // dst = activation(conv) + dst: the residual the caller left in the output buffer, in one pass.
        if (residualSum)
            ThrowIfFailed(dnnl_post_ops_append_sum(ops, 1f, 0, dnnl_data_type_t.dnnl_data_type_undef), nameof(dnnl_post_ops_append_sum));
        ThrowIfFailed(dnnl_primitive_attr_set_post_ops(attr, ops), nameof(dnnl_primitive_attr_set_post_ops));
        return handle;
    }

    public override void Dispose()
    {
        _bias?.Dispose();
        _userWeights?.Dispose();
        _userWeightsDesc?.Dispose();
        _attributes?.Dispose();
        _stream?.Dispose();
    }
}
