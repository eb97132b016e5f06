using System.Runtime.InteropServices;

namespace NativeConv;

/// <summary>
/// A 64-byte aligned native float buffer with XNNPACK's read slack after it, zero-filled. Fixed in
/// memory, so native code may keep its address; freed by Dispose or, if forgotten, the finalizer.
/// </summary>
internal sealed unsafe class NativeFloatBuffer : SafeHandle
{
    public NativeFloatBuffer(int length) : base(0, ownsHandle: true)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        Length = length;
        nuint bytes = (nuint)length * sizeof(float) + (nuint)Interop.Xnnpack.Xnn.XNN_EXTRA_BYTES;
        SetHandle((nint)NativeMemory.AlignedAlloc(bytes, 64));
        NativeMemory.Clear((void*)handle, bytes);
    }

    public int Length { get; }

    public float* Pointer => (float*)handle;

    public override bool IsInvalid => handle == 0;

    protected override bool ReleaseHandle()
    {
        NativeMemory.AlignedFree((void*)handle);
        return true;
    }
}
