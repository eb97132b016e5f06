using System.Runtime.InteropServices;

namespace NativeConv.Interop.Xnnpack;

/// <summary>
/// Owns an XNNPACK weights cache (<c>xnn_weights_cache_t</c>, a pointer to its provider); released with
/// <c>xnn_delete_weights_cache</c> once no operator made with it is left. Dispose twice is harmless.
/// </summary>
public sealed unsafe class XnnWeightsCacheHandle : SafeHandle
{
    public XnnWeightsCacheHandle() : base(0, ownsHandle: true)
    {
        xnn_weights_cache_provider* cache;
        Xnn.ThrowIfFailed(Xnn.xnn_create_weights_cache(&cache), nameof(Xnn.xnn_create_weights_cache));
        SetHandle((nint)cache);
    }

    public override bool IsInvalid => handle == 0;

    public xnn_weights_cache_provider* Value => (xnn_weights_cache_provider*)handle;

    protected override bool ReleaseHandle() => Xnn.xnn_delete_weights_cache((xnn_weights_cache_provider*)handle) == xnn_status.xnn_status_success;
}
