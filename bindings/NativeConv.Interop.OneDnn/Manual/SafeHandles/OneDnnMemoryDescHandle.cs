namespace NativeConv.Interop.OneDnn;

/// <summary>Owns a <see cref="dnnl_memory_desc_t"/>; released with <c>dnnl_memory_desc_destroy</c>.</summary>
public sealed class OneDnnMemoryDescHandle(dnnl_memory_desc_t value) : OneDnnSafeHandle(value.Value)
{
    public dnnl_memory_desc_t Value => new(handle);

    protected override dnnl_status_t Destroy(nint handle) => Dnnl.dnnl_memory_desc_destroy(new dnnl_memory_desc_t(handle));
}
