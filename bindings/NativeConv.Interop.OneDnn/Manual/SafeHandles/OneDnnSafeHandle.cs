using System.Runtime.InteropServices;

namespace NativeConv.Interop.OneDnn;

/// <summary>
/// Owns one oneDNN object. Disposing twice is harmless; the finalizer releases a handle that was
/// never disposed, and never throws (a failed destroy is ignored: there is nothing left to do).
/// </summary>
public abstract class OneDnnSafeHandle : SafeHandle
{
    protected OneDnnSafeHandle(nint handle) : base(0, ownsHandle: true) => SetHandle(handle);

    public override bool IsInvalid => handle == 0;
}
