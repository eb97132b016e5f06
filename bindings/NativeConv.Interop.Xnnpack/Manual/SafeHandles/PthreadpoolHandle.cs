using System.Runtime.InteropServices;

namespace NativeConv.Interop.Xnnpack;

/// <summary>Owns a <see cref="pthreadpool_t"/>; released with <c>pthreadpool_destroy</c>.</summary>
public sealed class PthreadpoolHandle : SafeHandle
{
    public PthreadpoolHandle(pthreadpool_t value) : base(0, ownsHandle: true) => SetHandle(value.Value);

    public override bool IsInvalid => handle == 0;

    public pthreadpool_t Value => new(handle);

    protected override bool ReleaseHandle()
    {
        Xnn.pthreadpool_destroy(new pthreadpool_t(handle));
        return true;
    }
}
