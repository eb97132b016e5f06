namespace NativeConv.Interop.OneDnn;

/// <summary>Owns a <see cref="dnnl_post_ops_t"/>; released with <c>dnnl_post_ops_destroy</c>.</summary>
public sealed class OneDnnPostOpsHandle(dnnl_post_ops_t value) : OneDnnSafeHandle(value.Value)
{
    public dnnl_post_ops_t Value => new(handle);

    protected override dnnl_status_t Destroy(nint handle) => Dnnl.dnnl_post_ops_destroy(new dnnl_post_ops_t(handle));
}
