using NativeConv.Interop.OneDnn;
using static NativeConv.Interop.OneDnn.Dnnl;

namespace NativeConv;

/// <summary>
/// What one input shape needs on oneDNN, made once: the primitive, the weights reordered into the
/// implementation's format, the scratchpad, and memory objects to which each call attaches its buffers.
/// </summary>
internal sealed unsafe class OneDnnShapeState : IDisposable
{
    private readonly OneDnnConvKernel _kernel;
    private readonly OneDnnPrimitiveDescHandle _pd;
    private readonly OneDnnPrimitiveHandle _primitive;
    private readonly OneDnnMemoryHandle _src;
    private readonly OneDnnMemoryHandle _dst;
    private readonly OneDnnMemoryHandle _weights;
    private readonly OneDnnMemoryHandle? _scratchpad;

    public OneDnnShapeState(OneDnnConvKernel kernel, in ConvGeometry g)
    {
        _kernel = kernel;
        Conv2dSpec spec = kernel.Spec;
        Batch = g.Batch;
        Height = g.InHeight;
        Width = g.InWidth;
        string context = $"{spec} on input {g.Batch}x{g.InChannels}x{g.InHeight}x{g.InWidth} {kernel.Layout}";
        dnnl_format_tag_t tag = kernel.Layout == TensorLayout.Nhwc ? dnnl_format_tag_t.dnnl_nhwc : dnnl_format_tag_t.dnnl_nchw;
        dnnl_engine_t engine = kernel.Backend.Engine;

        // oneDNN dims are logical NCHW whatever the layout; the tag says how memory is ordered.
        using var srcMd = OneDnnConvKernel.MemoryDesc([g.Batch, g.InChannels, g.InHeight, g.InWidth], tag);
        using var dstMd = OneDnnConvKernel.MemoryDesc([g.Batch, g.OutChannels, g.OutHeight, g.OutWidth], tag);
        using var anyWeightsMd = spec.Groups > 1
            ? OneDnnConvKernel.MemoryDesc([spec.Groups, spec.OutChannelsPerGroup, spec.InChannelsPerGroup, spec.Kernel.Height, spec.Kernel.Width], dnnl_format_tag_t.dnnl_format_tag_any)
            : OneDnnConvKernel.MemoryDesc([spec.OutChannels, spec.InChannels, spec.Kernel.Height, spec.Kernel.Width], dnnl_format_tag_t.dnnl_format_tag_any);
        using var biasMd = OneDnnConvKernel.MemoryDesc([spec.OutChannels], dnnl_format_tag_t.dnnl_a);

        long* strides = stackalloc long[] { spec.Stride.Height, spec.Stride.Width };
        long* dilates = stackalloc long[] { spec.Dilation.Height - 1, spec.Dilation.Width - 1 }; // oneDNN counts from 0
        long* padL = stackalloc long[] { g.PadTop, g.PadLeft };
        long* padR = stackalloc long[] { g.PadBottom, g.PadRight };
        dnnl_primitive_desc_t pd;
        ThrowIfFailed(dnnl_convolution_forward_primitive_desc_create(&pd, engine, dnnl_prop_kind_t.dnnl_forward_inference,
            dnnl_alg_kind_t.dnnl_convolution_direct, srcMd.Value, anyWeightsMd.Value, spec.HasBias ? biasMd.Value : default,
            dstMd.Value, strides, dilates, padL, padR, kernel.Attributes.Value), nameof(dnnl_convolution_forward_primitive_desc_create), context);
        _pd = new OneDnnPrimitiveDescHandle(pd);
        dnnl_primitive_t primitive;
        ThrowIfFailed(dnnl_primitive_create(&primitive, pd), nameof(dnnl_primitive_create), context);
        _primitive = new OneDnnPrimitiveHandle(primitive);

        sbyte* impl = null;
        ThrowIfFailed(dnnl_primitive_desc_query(pd, dnnl_query_t.dnnl_query_impl_info_str, 0, &impl), nameof(dnnl_primitive_desc_query), context);
        ImplementationName = new string(impl);

        _weights = ReorderWeights(kernel, pd, context);
        _scratchpad = Scratchpad(engine, pd, context);
        _src = EmptyMemory(engine, srcMd, context);
        _dst = EmptyMemory(engine, dstMd, context);
    }

    public int Batch { get; }

    public int Height { get; }

    public int Width { get; }

    public string ImplementationName { get; }

    /// <summary>Runs the primitive on the caller's buffers (pinned by the caller for the call's duration).</summary>
    public void Execute(float* input, float* output)
    {
        ThrowIfFailed(dnnl_memory_set_data_handle(_src.Value, input), nameof(dnnl_memory_set_data_handle), "src");
        ThrowIfFailed(dnnl_memory_set_data_handle(_dst.Value, output), nameof(dnnl_memory_set_data_handle), "dst");
        dnnl_exec_arg_t* args = stackalloc dnnl_exec_arg_t[5];
        int count = 0;
        args[count++] = new dnnl_exec_arg_t { arg = DNNL_ARG_SRC, memory = _src.Value };
        args[count++] = new dnnl_exec_arg_t { arg = DNNL_ARG_WEIGHTS, memory = _weights.Value };
        args[count++] = new dnnl_exec_arg_t { arg = DNNL_ARG_DST, memory = _dst.Value };
        if (_kernel.Bias is { } bias) args[count++] = new dnnl_exec_arg_t { arg = DNNL_ARG_BIAS, memory = bias.Value };
        if (_scratchpad is { } scratchpad) args[count++] = new dnnl_exec_arg_t { arg = DNNL_ARG_SCRATCHPAD, memory = scratchpad.Value };
        dnnl_stream_t stream = _kernel.Stream.Value;
        ThrowIfFailed(dnnl_primitive_execute(_primitive.Value, stream, count, args), nameof(dnnl_primitive_execute), ImplementationName);
        ThrowIfFailed(dnnl_stream_wait(stream), nameof(dnnl_stream_wait));
    }

    /// <summary>The user's weights, reordered once into the format the implementation chose.</summary>
    private static OneDnnMemoryHandle ReorderWeights(OneDnnConvKernel kernel, dnnl_primitive_desc_t pd, string context)
    {
        dnnl_engine_t engine = kernel.Backend.Engine;
        const_dnnl_memory_desc_t implMd = dnnl_primitive_desc_query_md(pd, dnnl_query_t.dnnl_query_weights_md, 0);
        dnnl_memory_t weights;
        ThrowIfFailed(dnnl_memory_create(&weights, implMd, engine, DNNL_MEMORY_ALLOCATE), nameof(dnnl_memory_create), "weights " + context);
        var handle = new OneDnnMemoryHandle(weights);

        dnnl_primitive_desc_t reorderPd;
        ThrowIfFailed(dnnl_reorder_primitive_desc_create(&reorderPd, kernel.UserWeightsDesc.Value, engine, implMd, engine, default),
            nameof(dnnl_reorder_primitive_desc_create), "weights " + context);
        using var reorderPdHandle = new OneDnnPrimitiveDescHandle(reorderPd);
        dnnl_primitive_t reorder;
        ThrowIfFailed(dnnl_primitive_create(&reorder, reorderPd), nameof(dnnl_primitive_create), "weights reorder");
        using var reorderHandle = new OneDnnPrimitiveHandle(reorder);
        dnnl_exec_arg_t* args = stackalloc dnnl_exec_arg_t[2];
        args[0] = new dnnl_exec_arg_t { arg = DNNL_ARG_FROM, memory = kernel.UserWeights.Value };
        args[1] = new dnnl_exec_arg_t { arg = DNNL_ARG_TO, memory = weights };
        ThrowIfFailed(dnnl_primitive_execute(reorder, kernel.Stream.Value, 2, args), nameof(dnnl_primitive_execute), "weights reorder");
        ThrowIfFailed(dnnl_stream_wait(kernel.Stream.Value), nameof(dnnl_stream_wait));
        return handle;
    }

    private static OneDnnMemoryHandle? Scratchpad(dnnl_engine_t engine, dnnl_primitive_desc_t pd, string context)
    {
        const_dnnl_memory_desc_t md = dnnl_primitive_desc_query_md(pd, dnnl_query_t.dnnl_query_scratchpad_md, 0);
        if (md.IsNull || dnnl_memory_desc_get_size(md) == 0) return null;
        dnnl_memory_t memory;
        ThrowIfFailed(dnnl_memory_create(&memory, md, engine, DNNL_MEMORY_ALLOCATE), nameof(dnnl_memory_create), "scratchpad " + context);
        return new OneDnnMemoryHandle(memory);
    }

    private static OneDnnMemoryHandle EmptyMemory(dnnl_engine_t engine, OneDnnMemoryDescHandle md, string context)
    {
        dnnl_memory_t memory;
        ThrowIfFailed(dnnl_memory_create(&memory, md.Value, engine, DNNL_MEMORY_NONE), nameof(dnnl_memory_create), context);
        return new OneDnnMemoryHandle(memory);
    }

    public void Dispose()
    {
        _src.Dispose();
        _dst.Dispose();
        _weights.Dispose();
        _scratchpad?.Dispose();
        _primitive.Dispose();
        _pd.Dispose();
    }
}
