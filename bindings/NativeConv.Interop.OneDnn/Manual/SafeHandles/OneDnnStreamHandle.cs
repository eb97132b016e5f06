namespace NativeConv.Interop.OneDnn;

/// <summary>Owns a <see cref="dnnl_stream_t"/>; released with <c>dnnl_stream_destroy</c>.</summary>
public sealed class OneDnnStreamHandle(dnnl_stream_t value) : OneDnnSafeHandle(value.Value)
{
    public dnnl_stream_t Value => new(handle);

    protected override dnnl_status_t Destroy(nint handle) => Dnnl.dnnl_stream_destroy(new dnnl_stream_t(handle));
}
