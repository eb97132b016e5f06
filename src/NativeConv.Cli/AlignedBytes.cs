using System.Runtime.InteropServices;

namespace NativeConv.Cli;

/// <summary>
/// Bytes whose first element is 64-byte aligned, as <see cref="AlignedFloatBuffer"/> gives floats: a pinned array
/// sliced past its misaligned start (a byte[] is aligned to 16 only, and AVX-512 kernels pay for that).
/// </summary>
internal sealed class AlignedBytes
{
    private readonly byte[] _array;
    private readonly int _offset;

    public AlignedBytes(int length)
    {
        _array = GC.AllocateUninitializedArray<byte>(length + 63, pinned: true); // pinned: the address stays
        long address = Marshal.UnsafeAddrOfPinnedArrayElement(_array, 0);
        _offset = (int)((64 - address % 64) % 64);
        Length = length;
    }

    public int Length { get; }

    public Span<byte> Span => _array.AsSpan(_offset, Length);
}
