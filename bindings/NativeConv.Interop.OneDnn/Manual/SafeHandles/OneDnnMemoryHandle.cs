namespace NativeConv.Interop.OneDnn;

/// <summary>Owns a <see cref="dnnl_memory_t"/>; released with <c>dnnl_memory_destroy</c>.</summary>
public sealed class OneDnnMemoryHandle(dnnl_memory_t value) : OneDnnSafeHandle(value.Value)
{
    public dnnl_memory_t Value => new(handle);

    protected override dnnl_status_t Destroy(nint handle) => Dnnl.dnnl_memory_destroy(new dnnl_memory_t(handle));
}
