using System.Runtime.InteropServices;

namespace NativeConv;

/// <summary>
/// A native buffer of <typeparamref name="T"/> kept for the largest length asked so far (64-byte aligned, with 64 bytes of
/// read slack after it for XNNPACK): made on a call that needs more, reused by every call after. Not thread-safe: the
/// owner serializes calls.
/// </summary>
internal sealed unsafe class QuantizedScratch<T> : IDisposable where T : unmanaged
{
    private nint _memory;
    private long _length;

    /// <summary><paramref name="length"/> elements (contents undefined).</summary>
    public Span<T> Get(int length)
    {
        if (_length < length)
        {
            if (_memory != 0) NativeMemory.AlignedFree((void*)_memory);
            _memory = 0;
            _memory = (nint)NativeMemory.AlignedAlloc((nuint)length * (nuint)sizeof(T) + 64, 64);
            _length = length;
        }
        return new Span<T>((void*)_memory, length);
    }

    public void Dispose()
    {
        if (_memory != 0) NativeMemory.AlignedFree((void*)_memory);
        _memory = 0;
        _length = 0;
    }
}
