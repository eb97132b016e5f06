using NativeConv.Interop.OneDnn;
using static NativeConv.Interop.OneDnn.Dnnl;

namespace NativeConv;

/// <summary>Memory descriptors and memory objects, the small steps every oneDNN recipe and state repeats.</summary>
internal static unsafe class OneDnnMemory
{
    public static OneDnnMemoryDescHandle Desc(ReadOnlySpan<long> dims, dnnl_format_tag_t tag, dnnl_data_type_t type = dnnl_data_type_t.dnnl_f32)
    {
        dnnl_memory_desc_t md;
        fixed (long* d = dims)
        {
            ThrowIfFailed(dnnl_memory_desc_create_with_tag(&md, dims.Length, d, type, tag),
                nameof(dnnl_memory_desc_create_with_tag), $"dims [{string.Join(",", dims.ToArray())}] {tag}");
        }
        return new OneDnnMemoryDescHandle(md);
    }

    /// <summary>oneDNN's logical weight dims for a spec: (g, oc/g, ic/g, kh, kw) when grouped, else (oc, ic, kh, kw).</summary>
    public static OneDnnMemoryDescHandle WeightsDesc(ConvolutionSpec spec, dnnl_format_tag_t tag, dnnl_data_type_t type = dnnl_data_type_t.dnnl_f32) => spec.Groups > 1
        ? Desc([spec.Groups, spec.OutChannelsPerGroup, spec.InChannelsPerGroup, spec.Kernel.Height, spec.Kernel.Width], tag, type)
        : Desc([spec.OutChannels, spec.InChannels, spec.Kernel.Height, spec.Kernel.Width], tag, type);

    /// <summary>Memory that oneDNN allocates (and frees with its handle), holding a copy of <paramref name="data"/>.</summary>
    public static OneDnnMemoryHandle Copy(dnnl_engine_t engine, OneDnnMemoryDescHandle md, ReadOnlySpan<float> data, string what)
    {
        var handle = Allocate(engine, md.Value, what);
        void* target;
        ThrowIfFailed(dnnl_memory_get_data_handle(handle.Value, &target), nameof(dnnl_memory_get_data_handle), what);
        data.CopyTo(new Span<float>(target, data.Length));
        return handle;
    }

    /// <summary>Memory that oneDNN allocates for <paramref name="md"/>.</summary>
    public static OneDnnMemoryHandle Allocate(dnnl_engine_t engine, const_dnnl_memory_desc_t md, string what)
    {
        dnnl_memory_t memory;
        ThrowIfFailed(dnnl_memory_create(&memory, md, engine, DNNL_MEMORY_ALLOCATE), nameof(dnnl_memory_create), what);
        return new OneDnnMemoryHandle(memory);
    }

    /// <summary>
    /// A new memory of layout <paramref name="to"/> holding <paramref name="source"/> (layout <paramref name="from"/>),
    /// converted by a reorder run once: weights into the format the implementation chose.
    /// </summary>
    public static OneDnnMemoryHandle Reordered(dnnl_engine_t engine, dnnl_stream_t stream, const_dnnl_memory_desc_t from, dnnl_memory_t source,
        const_dnnl_memory_desc_t to, string what)
    {
        OneDnnMemoryHandle target = Allocate(engine, to, what);
        try
        {
            dnnl_primitive_desc_t pd;
            ThrowIfFailed(dnnl_reorder_primitive_desc_create(&pd, from, engine, to, engine, default), nameof(dnnl_reorder_primitive_desc_create), what);
            using var pdHandle = new OneDnnPrimitiveDescHandle(pd);
            dnnl_primitive_t reorder;
            ThrowIfFailed(dnnl_primitive_create(&reorder, pd), nameof(dnnl_primitive_create), what);
            using var reorderHandle = new OneDnnPrimitiveHandle(reorder);
            dnnl_exec_arg_t* args = stackalloc dnnl_exec_arg_t[2];
            args[0] = new dnnl_exec_arg_t { arg = DNNL_ARG_FROM, memory = source };
            args[1] = new dnnl_exec_arg_t { arg = DNNL_ARG_TO, memory = target.Value };
            ThrowIfFailed(dnnl_primitive_execute(reorder, stream, 2, args), nameof(dnnl_primitive_execute), what);
            ThrowIfFailed(dnnl_stream_wait(stream), nameof(dnnl_stream_wait));
            return target;
        }
        catch
        {
            target.Dispose();
            throw;
        }
    }

    /// <summary>A memory object without a buffer: each call attaches the caller's.</summary>
    public static OneDnnMemoryHandle Unattached(dnnl_engine_t engine, const_dnnl_memory_desc_t md, string what)
    {
        dnnl_memory_t memory;
        ThrowIfFailed(dnnl_memory_create(&memory, md, engine, DNNL_MEMORY_NONE), nameof(dnnl_memory_create), what);
        return new OneDnnMemoryHandle(memory);
    }
}
