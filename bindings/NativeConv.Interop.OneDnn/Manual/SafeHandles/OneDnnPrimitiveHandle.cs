namespace NativeConv.Interop.OneDnn;

/// <summary>Owns a <see cref="dnnl_primitive_t"/>; released with <c>dnnl_primitive_destroy</c>.</summary>
public sealed class OneDnnPrimitiveHandle(dnnl_primitive_t value) : OneDnnSafeHandle(value.Value)
{
    public dnnl_primitive_t Value => new(handle);

    protected override dnnl_status_t Destroy(nint handle) => Dnnl.dnnl_primitive_destroy(new dnnl_primitive_t(handle));
}
