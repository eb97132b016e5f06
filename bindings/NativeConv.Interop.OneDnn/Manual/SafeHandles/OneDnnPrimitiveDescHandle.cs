namespace NativeConv.Interop.OneDnn;

/// <summary>Owns a <see cref="dnnl_primitive_desc_t"/>; released with <c>dnnl_primitive_desc_destroy</c>.</summary>
public sealed class OneDnnPrimitiveDescHandle(dnnl_primitive_desc_t value) : OneDnnSafeHandle(value.Value)
{
    public dnnl_primitive_desc_t Value => new(handle);

    protected override dnnl_status_t Destroy(nint handle) => Dnnl.dnnl_primitive_desc_destroy(new dnnl_primitive_desc_t(handle));
}
