using System.Runtime.InteropServices;

namespace NativeConv.Interop.OneDnn;

/// <summary>
/// Owns one oneDNN object. Disposing twice is harmless; the finalizer releases a handle that was
/// never disposed, and never throws (a failed destroy is ignored: there is nothing left to do).
/// Order on the finalizer path does not matter: oneDNN memory retains its engine, and destroying a
/// primitive or stream does not touch the engine (oneDNN 3.7.2 src/common).
/// </summary>
public abstract class OneDnnSafeHandle : SafeHandle
{
    protected OneDnnSafeHandle(nint handle) : base(0, ownsHandle: true) => SetHandle(handle);

    public override bool IsInvalid => handle == 0;

    /// <summary>Whether the native object was destroyed (after the last reference was released).</summary>
    public bool IsReleased { get; private set; }

    protected sealed override bool ReleaseHandle()
    {
        IsReleased = true;
        return Destroy(handle) == dnnl_status_t.dnnl_success;
    }

    /// <summary>The oneDNN destroy function of this object type.</summary>
    protected abstract dnnl_status_t Destroy(nint handle);
}
