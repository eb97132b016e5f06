namespace NativeConv.Interop.OneDnn;

/// <summary>Owns a <see cref="dnnl_post_ops_t"/>; released with <c>dnnl_post_ops_destroy</c>.</summary>
public sealed class OneDnnPostOpsHandle(dnnl_post_ops_t value) : OneDnnSafeHandle(value.Value)
{
    public dnnl_post_ops_t Value => new(handle);

    protected override bool ReleaseHandle() => Dnnl.dnnl_post_ops_destroy(new dnnl_post_ops_t(handle)) == dnnl_status_t.dnnl_success;
}
