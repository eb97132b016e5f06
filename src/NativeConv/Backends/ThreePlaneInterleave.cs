using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NativeConv;

/// <summary>
/// NCHW → NHWC for three channels (an RGB image: every MobileNet's input), eight pixels at a time: the three
/// planes' vectors are permuted and blended into three interleaved vectors. Both libraries' general transposes
/// are slow on this shape, where each output row is only 12 bytes, enough to show in a small network's time
/// (docs/benchmarks.md, Measured by hand: RGB planes interleaved, float32). AVX2's variable permute and blend
/// (<see cref="IsSupported"/>); elsewhere the backend's transpose is used.
/// </summary>
internal sealed class ThreePlaneInterleave(int batch, int pixels) : ILayoutTransform
{
    public static bool IsSupported => Avx2.IsSupported;

    // out0 = a0 b0 c0 a1 b1 c1 a2 b2 | out1 = c2 a3 b3 c3 a4 b4 c4 a5 | out2 = b5 c5 a6 b6 c6 a7 b7 c7:
    // per output vector, which element of each plane lands in each lane (lanes another plane fills: 0, unused).
    private static readonly Vector256<int> A0 = Vector256.Create(0, 0, 0, 1, 0, 0, 2, 0), B0 = Vector256.Create(0, 0, 0, 0, 1, 0, 0, 2), C0 = Vector256.Create(0, 0, 0, 0, 0, 1, 0, 0);
    private static readonly Vector256<int> A1 = Vector256.Create(0, 3, 0, 0, 4, 0, 0, 5), B1 = Vector256.Create(0, 0, 3, 0, 0, 4, 0, 0), C1 = Vector256.Create(2, 0, 0, 3, 0, 0, 4, 0);
    private static readonly Vector256<int> A2 = Vector256.Create(0, 0, 6, 0, 0, 7, 0, 0), B2 = Vector256.Create(5, 0, 0, 6, 0, 0, 7, 0), C2 = Vector256.Create(0, 5, 0, 0, 6, 0, 0, 7);
    // Which plane fills each lane: 0 a, 1 b, 2 c (the pattern repeats with period 3 across the 24 outputs).
    private static readonly Vector256<float> IsA0 = Lanes(0, 0), IsB0 = Lanes(0, 1), IsA1 = Lanes(8, 0), IsB1 = Lanes(8, 1), IsA2 = Lanes(16, 0), IsB2 = Lanes(16, 1);

    private static Vector256<float> Lanes(int first, int plane)
    {
        Span<int> bits = stackalloc int[8];
        for (int i = 0; i < 8; i++) bits[i] = (first + i) % 3 == plane ? -1 : 0;
        return Vector256.Create<int>(bits).AsSingle();
    }

    /// <summary>One output vector: each plane permuted into its lanes (vpermps), then blended by lane (vblendvps).</summary>
    private static Vector256<float> Interleave(Vector256<float> a, Vector256<float> b, Vector256<float> c,
        Vector256<int> fromA, Vector256<int> fromB, Vector256<int> fromC, Vector256<float> isA, Vector256<float> isB) =>
        Avx.BlendVariable(Avx.BlendVariable(Avx2.PermuteVar8x32(c, fromC), Avx2.PermuteVar8x32(b, fromB), isB), Avx2.PermuteVar8x32(a, fromA), isA);

    public unsafe void Run(void* source, void* destination)
    {
        // The constants in locals, so the loop keeps them in registers.
        Vector256<int> a0 = A0, b0 = B0, c0 = C0, a1 = A1, b1 = B1, c1 = C1, a2 = A2, b2 = B2, c2 = C2;
        Vector256<float> isA0 = IsA0, isB0 = IsB0, isA1 = IsA1, isB1 = IsB1, isA2 = IsA2, isB2 = IsB2;
        for (int n = 0; n < batch; n++)
        {
            float* a = (float*)source + (long)n * 3 * pixels, b = a + pixels, c = b + pixels;
            float* y = (float*)destination + (long)n * 3 * pixels;
            int p = 0;
            for (; p <= pixels - 8; p += 8, y += 24)
            {
                Vector256<float> va = Vector256.Load(a + p), vb = Vector256.Load(b + p), vc = Vector256.Load(c + p);
                Interleave(va, vb, vc, a0, b0, c0, isA0, isB0).Store(y);
                Interleave(va, vb, vc, a1, b1, c1, isA1, isB1).Store(y + 8);
                Interleave(va, vb, vc, a2, b2, c2, isA2, isB2).Store(y + 16);
            }
            for (; p < pixels; p++, y += 3)
            {
                y[0] = a[p];
                y[1] = b[p];
                y[2] = c[p];
            }
        }
    }

    public void Dispose()
    {
    }
}
