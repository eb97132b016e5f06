using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NativeConv;

/// <summary>
/// Three byte planes interleaved, (3, P) → (P, 3): an int8 network's RGB input in NCHW made NHWC, sixteen pixels at a
/// time (each 16 output bytes gathered from the three planes by one SSSE3 byte shuffle apiece, then or-ed). A 16x16
/// block transpose needs 16 rows, and the libraries' byte transposes move a byte at a time here
/// (docs/benchmarks.md, Measured by hand: RGB planes interleaved, bytes).
/// </summary>
internal static unsafe class ThreePlaneByteInterleave
{
    public static bool IsSupported => Ssse3.IsSupported;

    /// <summary>Shuffle masks: output vector k (bytes 16k..16k+15 of the interleaved run) from plane c; 0x80 writes a zero.</summary>
    private static readonly Vector128<byte>[] Masks = MakeMasks();

    private static Vector128<byte>[] MakeMasks()
    {
        var masks = new Vector128<byte>[9];
        Span<byte> mask = stackalloc byte[16];
        for (int k = 0; k < 3; k++)
            for (int c = 0; c < 3; c++)
            {
                for (int j = 0; j < 16; j++)
                {
                    int at = 16 * k + j; // pixel at / 3, channel at % 3
                    mask[j] = at % 3 == c ? (byte)(at / 3) : (byte)0x80;
                }
                masks[3 * k + c] = Vector128.Create((ReadOnlySpan<byte>)mask);
            }
        return masks;
    }

    /// <summary>Interleaves one image: <paramref name="source"/> holds three planes of <paramref name="pixels"/> bytes.</summary>
    public static void Interleave(byte* source, byte* destination, int pixels)
    {
        byte* r = source, g = source + pixels, b = source + 2 * (long)pixels;
        Vector128<byte>[] m = Masks;
        int p = 0;
        for (; p + 16 <= pixels; p += 16)
        {
            Vector128<byte> red = Sse2.LoadVector128(r + p), green = Sse2.LoadVector128(g + p), blue = Sse2.LoadVector128(b + p);
            byte* to = destination + 3 * (long)p;
            for (int k = 0; k < 3; k++)
                Sse2.Store(to + 16 * k, Ssse3.Shuffle(red, m[3 * k]) | Ssse3.Shuffle(green, m[3 * k + 1]) | Ssse3.Shuffle(blue, m[3 * k + 2]));
        }
        for (; p < pixels; p++)
        {
            destination[3 * (long)p] = r[p];
            destination[3 * (long)p + 1] = g[p];
            destination[3 * (long)p + 2] = b[p];
        }
    }
}
