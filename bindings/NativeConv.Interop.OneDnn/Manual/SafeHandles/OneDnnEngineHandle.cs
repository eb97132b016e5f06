namespace NativeConv.Interop.OneDnn;

/// <summary>Owns a <see cref="dnnl_engine_t"/>; released with <c>dnnl_engine_destroy</c>.</summary>
public sealed class OneDnnEngineHandle(dnnl_engine_t value) : OneDnnSafeHandle(value.Value)
{
    public dnnl_engine_t Value => new(handle);

    protected override dnnl_status_t Destroy(nint handle) => Dnnl.dnnl_engine_destroy(new dnnl_engine_t(handle));
}
