using NativeConv.Interop.OneDnn;
using static NativeConv.Interop.OneDnn.Dnnl;

namespace NativeConv;

/// <summary>
/// One convolution on oneDNN. Creation copies the weights (PyTorch order) and bias into native
/// memory and builds the attributes (post-op, user scratchpad) once; each new (N, H, W) gets its own
/// <see cref="OneDnnShapeState"/> (primitive, weights reordered once, scratchpad), reused afterwards.
/// A call only attaches the caller's buffers and executes: no allocation, no reorder.
/// </summary>
internal sealed unsafe class OneDnnConvKernel : IConvKernel
{
    private readonly OneDnnBackend _backend;
    private readonly Conv2dSpec _spec;
    private readonly TensorLayout _layout;
    private readonly OneDnnStreamHandle _stream;
    private readonly OneDnnPrimitiveAttrHandle _attr;
    private readonly OneDnnMemoryDescHandle _userWeightsDesc; // PyTorch order == oneDNN goihw (oihw for 1 group)
    private readonly OneDnnMemoryHandle _userWeights;
    private readonly OneDnnMemoryHandle? _bias;
    private readonly ShapeCache<OneDnnShapeState> _shapes;
    private bool _holdsEngine;

    public OneDnnConvKernel(OneDnnBackend backend, Conv2dSpec spec, TensorLayout layout, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias)
    {
        _backend = backend;
        _spec = spec;
        _layout = layout;
        backend.EngineHandle.DangerousAddRef(ref _holdsEngine); // released in Dispose
        try
        {
            dnnl_stream_t stream;
            ThrowIfFailed(dnnl_stream_create(&stream, backend.Engine, (uint)dnnl_stream_flags_t.dnnl_stream_default_flags), nameof(dnnl_stream_create));
            _stream = new OneDnnStreamHandle(stream);
            _shapes = new ShapeCache<OneDnnShapeState>(g => new OneDnnShapeState(this, g));
            _attr = CreateAttributes(spec.Activation);

            _userWeightsDesc = spec.Groups > 1
                ? MemoryDesc([spec.Groups, spec.OutChannelsPerGroup, spec.InChannelsPerGroup, spec.Kernel.Height, spec.Kernel.Width], dnnl_format_tag_t.dnnl_goihw)
                : MemoryDesc([spec.OutChannels, spec.InChannels, spec.Kernel.Height, spec.Kernel.Width], dnnl_format_tag_t.dnnl_oihw);
            _userWeights = CopyToNewMemory(backend, _userWeightsDesc, weights, "weights");
            if (spec.HasBias)
            {
                using var md = MemoryDesc([spec.OutChannels], dnnl_format_tag_t.dnnl_a);
                _bias = CopyToNewMemory(backend, md, bias, "bias");
            }
        }
        catch
        {
            Dispose(); // releases what was made, and the engine reference
            throw;
        }
    }

    /// <summary>Memory that oneDNN allocates (and frees with its handle), holding a copy of <paramref name="data"/>.</summary>
    private static OneDnnMemoryHandle CopyToNewMemory(OneDnnBackend backend, OneDnnMemoryDescHandle md, ReadOnlySpan<float> data, string what)
    {
        dnnl_memory_t memory;
        ThrowIfFailed(dnnl_memory_create(&memory, md.Value, backend.Engine, DNNL_MEMORY_ALLOCATE), nameof(dnnl_memory_create), what);
        var handle = new OneDnnMemoryHandle(memory);
        void* target;
        ThrowIfFailed(dnnl_memory_get_data_handle(memory, &target), nameof(dnnl_memory_get_data_handle), what);
        data.CopyTo(new Span<float>(target, data.Length));
        return handle;
    }

    public string ImplementationName => _shapes.Last?.ImplementationName ?? "(not run yet)";

    internal Conv2dSpec Spec => _spec;

    internal TensorLayout Layout => _layout;

    internal OneDnnBackend Backend => _backend;

    internal OneDnnPrimitiveAttrHandle Attributes => _attr;

    internal OneDnnMemoryDescHandle UserWeightsDesc => _userWeightsDesc;

    internal OneDnnMemoryHandle UserWeights => _userWeights;

    internal OneDnnMemoryHandle? Bias => _bias;

    internal OneDnnStreamHandle Stream => _stream;

    public void Forward(in ConvGeometry g, ReadOnlySpan<float> input, Span<float> output)
    {
        // Before the shape state: oneDNN fixes a primitive's thread count when it creates it, from the
        // calling thread's OpenMP setting, and runs it on that many threads from then on.
        OpenMpThreads.Use(_backend.Threads);
        OneDnnShapeState state = _shapes.Get(g);
        fixed (float* x = input)
        fixed (float* y = output)
        {
            state.Execute(x, y);
        }
    }

    private static OneDnnPrimitiveAttrHandle CreateAttributes(Activation activation)
    {
        dnnl_primitive_attr_t attr;
        ThrowIfFailed(dnnl_primitive_attr_create(&attr), nameof(dnnl_primitive_attr_create));
        var handle = new OneDnnPrimitiveAttrHandle(attr);
        // The scratchpad is ours: allocated once per shape, never inside a call.
        ThrowIfFailed(dnnl_primitive_attr_set_scratchpad_mode(attr, dnnl_scratchpad_mode_t.dnnl_scratchpad_mode_user),
            nameof(dnnl_primitive_attr_set_scratchpad_mode));
        if (activation.Kind == ActivationKind.None) return handle;

        dnnl_post_ops_t ops;
        ThrowIfFailed(dnnl_post_ops_create(&ops), nameof(dnnl_post_ops_create));
        using var opsHandle = new OneDnnPostOpsHandle(ops);
        var (alg, alpha, beta) = activation.Kind switch
        {
            ActivationKind.ReLU => (dnnl_alg_kind_t.dnnl_eltwise_relu, 0f, 0f),
            ActivationKind.ReLU6 => (dnnl_alg_kind_t.dnnl_eltwise_clip_v2, 0f, 6f),
            // oneDNN: x * max(0, min(1, alpha * x + beta)) = x * ReLU6(x + 3) / 6 with alpha = 1/6, beta = 1/2.
            ActivationKind.HardSwish => (dnnl_alg_kind_t.dnnl_eltwise_hardswish, 1f / 6f, 0.5f),
            ActivationKind.Clamp => (dnnl_alg_kind_t.dnnl_eltwise_clip_v2, activation.Min, activation.Max),
            _ => throw new InvalidOperationException($"unknown activation {activation}"),
        };
        ThrowIfFailed(dnnl_post_ops_append_eltwise(ops, alg, alpha, beta), nameof(dnnl_post_ops_append_eltwise), activation.ToString());
        ThrowIfFailed(dnnl_primitive_attr_set_post_ops(attr, ops), nameof(dnnl_primitive_attr_set_post_ops));
        return handle;
    }

    internal static OneDnnMemoryDescHandle MemoryDesc(ReadOnlySpan<long> dims, dnnl_format_tag_t tag)
    {
        dnnl_memory_desc_t md;
        fixed (long* d = dims)
        {
            ThrowIfFailed(dnnl_memory_desc_create_with_tag(&md, dims.Length, d, dnnl_data_type_t.dnnl_f32, tag),
                nameof(dnnl_memory_desc_create_with_tag), $"dims [{string.Join(",", dims.ToArray())}] {tag}");
        }
        return new OneDnnMemoryDescHandle(md);
    }

    // Safe to call twice: SafeHandles release once; an undisposed kernel is released by their finalizers.
    public void Dispose()
    {
        // Null-tolerant: also called when the constructor failed half-way.
        _shapes?.Dispose();
        _bias?.Dispose();
        _userWeights?.Dispose();
        _userWeightsDesc?.Dispose();
        _attr?.Dispose();
        _stream?.Dispose();
        if (_holdsEngine)
        {
            _backend.EngineHandle.DangerousRelease();
            _holdsEngine = false;
        }
    }
}
