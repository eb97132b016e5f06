using NativeConv.Interop.OneDnn;
using static NativeConv.Interop.OneDnn.Dnnl;

namespace NativeConv;

/// <summary>Memory descriptors and memory objects, the small steps every oneDNN plan and state repeats.</summary>
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
    public static OneDnnMemoryDescHandle WeightsDesc(Conv2dSpec spec, dnnl_format_tag_t tag, dnnl_data_type_t type = dnnl_data_type_t.dnnl_f32) => spec.Groups > 1
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

    /// <summary>A memory object without a buffer: each call attaches the caller's.</summary>
    public static OneDnnMemoryHandle Unattached(dnnl_engine_t engine, const_dnnl_memory_desc_t md, string what)
    {
        dnnl_memory_t memory;
        ThrowIfFailed(dnnl_memory_create(&memory, md, engine, DNNL_MEMORY_NONE), nameof(dnnl_memory_create), what);
        return new OneDnnMemoryHandle(memory);
    }
}
