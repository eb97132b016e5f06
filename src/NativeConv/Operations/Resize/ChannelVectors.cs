using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NativeConv;

/// <summary>
/// A pixel's channels (or a row) copied or blended in vectors: whole vectors, then one last vector ending at the last
/// element and overlapping the one before it (rewriting the same values), so any count of at least 4 runs in vectors
/// only; fewer than 4 run one by one. Sources and destination must not overlap. A blend writes a[i]·wa + b[i]·wb, two
/// products and one sum, each rounded (no fused multiply-add).
/// </summary>
internal static unsafe class ChannelVectors
{
    /// <summary>destination[i] = source[i] for i &lt; count.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Copy(float* source, float* destination, int count)
    {
        int width = Vector<float>.Count;
        if (count >= width)
        {
            int i = 0;
            for (; i <= count - width; i += width) Vector.Load(source + i).Store(destination + i);
            if (i < count) Vector.Load(source + count - width).Store(destination + count - width);
        }
        else if (count >= 4)
        {
            int i = 0;
            for (; i <= count - 4; i += 4) Vector128.Load(source + i).Store(destination + i);
            if (i < count) Vector128.Load(source + count - 4).Store(destination + count - 4);
        }
        else
            for (int i = 0; i < count; i++) destination[i] = source[i];
    }

    /// <summary>destination[i] = a[i]·wa + b[i]·wb for i &lt; count.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Blend(float* a, float wa, float* b, float wb, float* destination, int count)
    {
        int width = Vector<float>.Count;
        if (count >= width)
        {
            Vector<float> va = new(wa), vb = new(wb);
            int i = 0;
            for (; i <= count - width; i += width) (Vector.Load(a + i) * va + Vector.Load(b + i) * vb).Store(destination + i);
            if (i < count)
            {
                i = count - width;
                (Vector.Load(a + i) * va + Vector.Load(b + i) * vb).Store(destination + i);
            }
        }
        else if (count >= 4)
        {
            Vector128<float> va = Vector128.Create(wa), vb = Vector128.Create(wb);
            int i = 0;
            for (; i <= count - 4; i += 4) (Vector128.Load(a + i) * va + Vector128.Load(b + i) * vb).Store(destination + i);
            if (i < count)
            {
                i = count - 4;
                (Vector128.Load(a + i) * va + Vector128.Load(b + i) * vb).Store(destination + i);
            }
        }
        else
            for (int i = 0; i < count; i++) destination[i] = a[i] * wa + b[i] * wb;
    }

    /// <summary>Whether <see cref="BlendStreaming"/> has streaming stores here (x64 with AVX).</summary>
    public static bool CanStream => Vector256.IsHardwareAccelerated && Sse.IsSupported;

    /// <summary>
    /// <see cref="Blend"/> writing with non-temporal stores (past the caches, no read of the lines it overwrites), then a
    /// store fence so that later stores, and so any thread the caller hands the data to, see them in order: for outputs
    /// larger than the last-level cache, which plain stores would read in and evict again.
    /// </summary>
    public static void BlendStreaming(float* a, float wa, float* b, float wb, float* destination, int count)
    {
        int i = 0;
        for (; i < count && ((nuint)(destination + i) & 31) != 0; i++) destination[i] = a[i] * wa + b[i] * wb;
        Vector256<float> va = Vector256.Create(wa), vb = Vector256.Create(wb);
        for (; i <= count - 8; i += 8) (Vector256.Load(a + i) * va + Vector256.Load(b + i) * vb).StoreAlignedNonTemporal(destination + i);
        for (; i < count; i++) destination[i] = a[i] * wa + b[i] * wb;
        Sse.StoreFence();
    }
}
