using System.Runtime.InteropServices;

namespace NativeConv;

/// <summary>
/// One reference on a backend's shared native object (oneDNN's engine, XNNPACK's thread pool), held
/// by a kernel for its whole life. A SafeHandle itself, so a kernel dropped without Dispose still
/// gives its reference back when it is finalized, and the shared object is freed once its backend and
/// every kernel are gone.
/// </summary>
internal sealed class HandleLease : SafeHandle
{
    private readonly SafeHandle _target;

    public HandleLease(SafeHandle target) : base(0, ownsHandle: true)
    {
        _target = target;
        bool added = false;
        target.DangerousAddRef(ref added); // throws ObjectDisposedException once the target is closed
        SetHandle(1);
    }

    public override bool IsInvalid => handle == 0;

    protected override bool ReleaseHandle()
    {
        _target.DangerousRelease();
        return true;
    }
}
