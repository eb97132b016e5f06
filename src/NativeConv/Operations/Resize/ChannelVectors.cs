using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NativeConv;

/// <summary>
/// A pixel's channels (or a row) copied or blended in vectors: whole vectors, then one last vector ending at the last
/// element and overlapping the one before it (rewriting the same values), so any count of at least 4 runs in vectors
/// only; fewer than 4 run one by one. Sources and destination must not overlap.
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

    /// <summary>destination[i] = a[i]·wa + b[i]·wb for i &lt; count (two products, one sum, each rounded: no fused multiply-add).</summary>
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
}
