using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NativeConv;

/// <summary>
/// A batch of byte matrices transposed, (N, A, B) → (N, B, A), in 16x16 blocks of four rounds of SSE2 unpacks (bytes,
/// then pairs, quads and eights): an int8 network's NCHW edges, where oneDNN's reorder was much slower and left the
/// network slower in NCHW than in NHWC; with this, the two are level (docs/benchmarks.md, Measured by hand: Byte
/// transposes at int8 NCHW edges). Rows and columns past the last whole block are copied one by one.
/// </summary>
internal sealed unsafe class ByteBlockTranspose(int batch, int rows, int columns) : ILayoutTransform
{
    private const int Block = 16;

    /// <summary>
    /// Whether this runs here: on x86, matrices of at least one whole block (SSE2), or three rows, an RGB image's planes
    /// (<see cref="ThreePlaneByteInterleave"/>, SSSE3); else the backend's transpose is used, as everywhere off x86.
    /// </summary>
    public static bool Suits(int rows, int columns) =>
        (Sse2.IsSupported && rows >= Block && columns >= Block) || (rows == 3 && ThreePlaneByteInterleave.IsSupported);

    public void Run(void* source, void* destination) => Transpose((byte*)source, (byte*)destination, batch, rows, columns);

    /// <summary>(N, A, B) → (N, B, A) in blocks where they <see cref="Suits"/>, else by <see cref="NhwcOps.Transpose"/>.</summary>
    public static void Transpose(byte* source, byte* destination, int batch, int rows, int columns)
    {
        if (!Suits(rows, columns))
        {
            NhwcOps.Transpose(source, destination, batch, rows, columns);
            return;
        }
        long plane = (long)rows * columns;
        for (int n = 0; n < batch; n++)
        {
            if (rows == 3) ThreePlaneByteInterleave.Interleave(source + n * plane, destination + n * plane, columns); // an RGB image
            else TransposeOne(source + n * plane, destination + n * plane, rows, columns);
        }
    }

    private static void TransposeOne(byte* source, byte* destination, int rows, int columns)
    {
        int wholeRows = rows / Block * Block, wholeColumns = columns / Block * Block;
        for (int r = 0; r < wholeRows; r += Block)
            for (int c = 0; c < wholeColumns; c += Block)
                TransposeBlock(source + (long)r * columns + c, columns, destination + (long)c * rows + r, rows);
        // The edges: the last rows across every column, then the last columns of the whole rows.
        for (int r = wholeRows; r < rows; r++)
            for (int c = 0; c < columns; c++)
                destination[(long)c * rows + r] = source[(long)r * columns + c];
        for (int r = 0; r < wholeRows; r++)
            for (int c = wholeColumns; c < columns; c++)
                destination[(long)c * rows + r] = source[(long)r * columns + c];
    }

    /// <summary>One 16x16 block: source rows <paramref name="s"/> bytes apart, destination rows <paramref name="d"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void TransposeBlock(byte* source, long s, byte* destination, long d)
    {
        // Round 1, bytes: a(2i) holds columns 0-7 of rows 2i and 2i+1 interleaved, a(2i+1) columns 8-15.
        var (a0, a1) = Bytes(source, s, 0);
        var (a2, a3) = Bytes(source, s, 2);
        var (a4, a5) = Bytes(source, s, 4);
        var (a6, a7) = Bytes(source, s, 6);
        var (a8, a9) = Bytes(source, s, 8);
        var (a10, a11) = Bytes(source, s, 10);
        var (a12, a13) = Bytes(source, s, 12);
        var (a14, a15) = Bytes(source, s, 14);
        // Round 2, pairs: b(4k + j) holds columns 4j..4j+3 of rows 4k..4k+3.
        var (b0, b1) = Pairs(a0, a2);
        var (b2, b3) = Pairs(a1, a3);
        var (b4, b5) = Pairs(a4, a6);
        var (b6, b7) = Pairs(a5, a7);
        var (b8, b9) = Pairs(a8, a10);
        var (b10, b11) = Pairs(a9, a11);
        var (b12, b13) = Pairs(a12, a14);
        var (b14, b15) = Pairs(a13, a15);
        // Round 3, quads: c(8h + m) holds columns 2m and 2m+1 of rows 8h..8h+7.
        var (c0, c1) = Quads(b0, b4);
        var (c2, c3) = Quads(b1, b5);
        var (c4, c5) = Quads(b2, b6);
        var (c6, c7) = Quads(b3, b7);
        var (c8, c9) = Quads(b8, b12);
        var (c10, c11) = Quads(b9, b13);
        var (c12, c13) = Quads(b10, b14);
        var (c14, c15) = Quads(b11, b15);
        // Round 4, eights: column 2m is the low halves of c(m) and c(8 + m), column 2m+1 the high halves.
        Columns(destination, d, 0, c0, c8);
        Columns(destination, d, 2, c1, c9);
        Columns(destination, d, 4, c2, c10);
        Columns(destination, d, 6, c3, c11);
        Columns(destination, d, 8, c4, c12);
        Columns(destination, d, 10, c5, c13);
        Columns(destination, d, 12, c6, c14);
        Columns(destination, d, 14, c7, c15);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector128<ushort>, Vector128<ushort>) Bytes(byte* source, long stride, int row)
    {
        Vector128<byte> even = Sse2.LoadVector128(source + row * stride), odd = Sse2.LoadVector128(source + (row + 1) * stride);
        return (Sse2.UnpackLow(even, odd).AsUInt16(), Sse2.UnpackHigh(even, odd).AsUInt16());
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector128<uint>, Vector128<uint>) Pairs(Vector128<ushort> top, Vector128<ushort> bottom) =>
        (Sse2.UnpackLow(top, bottom).AsUInt32(), Sse2.UnpackHigh(top, bottom).AsUInt32());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector128<ulong>, Vector128<ulong>) Quads(Vector128<uint> top, Vector128<uint> bottom) =>
        (Sse2.UnpackLow(top, bottom).AsUInt64(), Sse2.UnpackHigh(top, bottom).AsUInt64());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Columns(byte* destination, long stride, int column, Vector128<ulong> top, Vector128<ulong> bottom)
    {
        Sse2.Store(destination + column * stride, Sse2.UnpackLow(top, bottom).AsByte());
        Sse2.Store(destination + (column + 1) * stride, Sse2.UnpackHigh(top, bottom).AsByte());
    }

    public void Dispose()
    {
    }
}
