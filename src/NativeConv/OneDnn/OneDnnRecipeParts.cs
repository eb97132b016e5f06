using NativeConv.Interop.OneDnn;
using static NativeConv.Interop.OneDnn.Dnnl;

namespace NativeConv;

/// <summary>
/// What every oneDNN recipe (convolution, transposed convolution) makes once whatever the input shape: a stream, the
/// attributes (activation post-op from <see cref="OneDnnActivations"/>, user scratchpad), and the caller's weights and
/// bias copied into native memory in the caller's order (the weights' tag says which), and the weights reordered into
/// each layout an implementation asked for, once per layout: every <see cref="OneDnnShapeState"/> of that layout (other
/// shapes, and a network's concurrent execution contexts) reads the same copy.
/// </summary>
internal sealed unsafe class OneDnnRecipeParts : IDisposable
{
    private readonly OneDnnStreamHandle _stream;
    private readonly OneDnnPrimitiveAttrHandle _attributes;
    private readonly OneDnnMemoryDescHandle _userWeightsDesc;
    private readonly OneDnnMemoryHandle _userWeights;
    private readonly OneDnnMemoryHandle? _bias;
    private readonly List<OneDnnMemoryHandle> _reordered = []; // under _reorderGate
    private readonly Lock _reorderGate = new();

    /// <param name="userWeightsTag">How the caller's weights are ordered over oneDNN's logical (g, oc/g, ic/g, kh, kw) or (oc, ic, kh, kw).</param>
    /// <param name="residualSum">Adds what the output buffer holds before the call (a residual connection) as a sum post-op, after the activation.</param>
    /// <param name="afterSum">With <paramref name="residualSum"/>: the activation after the sum (ResNet's ReLU after the add), as post-ops after it.</param>
    public OneDnnRecipeParts(dnnl_engine_t engine, int threads, ConvolutionSpec spec, dnnl_format_tag_t userWeightsTag,
        ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, bool residualSum = false, Activation? afterSum = null)
    {
        Engine = engine;
        Threads = threads;
        try
        {
            dnnl_stream_t stream;
            ThrowIfFailed(dnnl_stream_create(&stream, engine, (uint)dnnl_stream_flags_t.dnnl_stream_default_flags), nameof(dnnl_stream_create));
            _stream = new OneDnnStreamHandle(stream);
            _attributes = CreateAttributes(spec.Activation, residualSum, afterSum ?? Activation.None);
            _userWeightsDesc = OneDnnMemory.WeightsDesc(spec, userWeightsTag);
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
    public void PrepareCallingThread() => OpenMpThreads.Use(Threads);

    private static OneDnnPrimitiveAttrHandle CreateAttributes(Activation activation, bool residualSum, Activation afterSum)
    {
        dnnl_primitive_attr_t attr;
        ThrowIfFailed(dnnl_primitive_attr_create(&attr), nameof(dnnl_primitive_attr_create));
        var handle = new OneDnnPrimitiveAttrHandle(attr);
        // The scratchpad is ours: allocated once per shape, never inside a call.
        ThrowIfFailed(dnnl_primitive_attr_set_scratchpad_mode(attr, dnnl_scratchpad_mode_t.dnnl_scratchpad_mode_user),
            nameof(dnnl_primitive_attr_set_scratchpad_mode));
        if (activation.Kind == ActivationKind.None && !residualSum) return handle;
        dnnl_post_ops_t ops;
        ThrowIfFailed(dnnl_post_ops_create(&ops), nameof(dnnl_post_ops_create));
        using var opsHandle = new OneDnnPostOpsHandle(ops);
        OneDnnActivations.Append(ops, activation);
        if (residualSum)
        {
            // dst = afterSum(activation(conv) + dst): the residual the caller left in the output buffer, in one pass.
            ThrowIfFailed(dnnl_post_ops_append_sum(ops, 1f, 0, dnnl_data_type_t.dnnl_data_type_undef), nameof(dnnl_post_ops_append_sum));
            OneDnnActivations.Append(ops, afterSum);
        }
        ThrowIfFailed(dnnl_primitive_attr_set_post_ops(attr, ops), nameof(dnnl_primitive_attr_set_post_ops));
        return handle;
    }

    /// <summary>The weights in <paramref name="layout"/> (an implementation's weights descriptor): reordered on first request, then shared.</summary>
    public dnnl_memory_t Weights(const_dnnl_memory_desc_t layout, string context)
    {
        lock (_reorderGate)
        {
            foreach (OneDnnMemoryHandle made in _reordered)
            {
                const_dnnl_memory_desc_t md;
                ThrowIfFailed(dnnl_memory_get_memory_desc(made.Value, &md), nameof(dnnl_memory_get_memory_desc), context);
                if (dnnl_memory_desc_equal(md, layout) != 0) return made.Value;
            }
            OneDnnMemoryHandle weights = OneDnnMemory.Reordered(Engine, Stream, UserWeightsDesc, UserWeights, layout, "weights " + context);
            _reordered.Add(weights);
            return weights.Value;
        }
    }

    public void Dispose()
    {
        foreach (OneDnnMemoryHandle weights in _reordered) weights.Dispose();
        _reordered.Clear();
        _bias?.Dispose();
        _userWeights?.Dispose();
        _userWeightsDesc?.Dispose();
        _attributes?.Dispose();
        _stream?.Dispose();
    }
}
