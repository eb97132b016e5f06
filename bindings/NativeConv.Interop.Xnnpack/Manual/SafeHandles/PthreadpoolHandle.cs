using System.Runtime.InteropServices;

namespace NativeConv.Interop.Xnnpack;

/// <summary>Owns a <see cref="pthreadpool_t"/>; released with <c>pthreadpool_destroy</c>.</summary>
public sealed class PthreadpoolHandle : SafeHandle
{
    public PthreadpoolHandle(pthreadpool_t value) : base(0, ownsHandle: true) => SetHandle(value.Value);

    public override bool IsInvalid => handle == 0;

    public pthreadpool_t Value => new(handle);

    /// <summary>Whether the pool was destroyed (after the last reference was released).</summary>
    public bool IsReleased { get; private set; }

    protected override bool ReleaseHandle()
    {
        IsReleased = true;
        Xnn.pthreadpool_destroy(new pthreadpool_t(handle));
        return true;
    }
}
