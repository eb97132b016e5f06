using System.Numerics;
using System.Runtime.Intrinsics;

namespace NativeConv;

/// <summary>
/// Finds NaN and ±infinity in a buffer, vectorized: x − x is NaN exactly for those and 0 for every finite x, so the
/// finite path costs one subtract and one add per vector, and one test at the end.
/// </summary>
internal static unsafe class NonFiniteScan
{
    /// <summary>Whether any of <paramref name="data"/>[0..<paramref name="length"/>) is NaN or ±infinity.</summary>
    public static bool Any(float* data, int length)
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            // Twice Vector<float>'s width where the CPU has it: the layer's scan is bound by the loads.
            Vector512<float> a5 = Vector512<float>.Zero, b5 = a5, c5 = a5, d5 = a5;
            for (; i <= length - 64; i += 64)
            {
                Vector512<float> x0 = Vector512.Load(data + i), x1 = Vector512.Load(data + i + 16), x2 = Vector512.Load(data + i + 32), x3 = Vector512.Load(data + i + 48);
                a5 += x0 - x0;
                b5 += x1 - x1;
                c5 += x2 - x2;
                d5 += x3 - x3;
            }
            Vector512<float> all5 = a5 + b5 + c5 + d5;
            if (!Vector512.EqualsAll(all5, all5)) return true;
        }
        int n = Vector<float>.Count;
        Vector<float> a = Vector<float>.Zero, b = a, c = a, d = a;
        for (; i <= length - 4 * n; i += 4 * n)
        {
            Vector<float> x0 = Vector.Load(data + i), x1 = Vector.Load(data + i + n), x2 = Vector.Load(data + i + 2 * n), x3 = Vector.Load(data + i + 3 * n);
            a += x0 - x0;
            b += x1 - x1;
            c += x2 - x2;
            d += x3 - x3;
        }
        for (; i <= length - n; i += n)
        {
            Vector<float> x = Vector.Load(data + i);
            a += x - x;
        }
        Vector<float> all = a + b + c + d;
        if (!Vector.EqualsAll(all, all)) return true;
        for (; i < length; i++)
            if (!float.IsFinite(data[i])) return true;
        return false;
    }

    /// <summary>
    /// Appends the index of every non-finite value of <paramref name="data"/>[0..<paramref name="length"/>) to
    /// <paramref name="positions"/> from <paramref name="count"/> on (growing it), and returns the new count.
    /// </summary>
    public static int Record(float* data, int length, ref int[] positions, int count)
    {
        int n = Vector<float>.Count, i = 0;
        for (; i <= length - n; i += n)
        {
            Vector<float> x = Vector.Load(data + i), z = x - x;
            if (Vector.EqualsAll(z, z)) continue;
            for (int k = i; k < i + n; k++)
                if (!float.IsFinite(data[k])) Add(ref positions, ref count, k);
        }
        for (; i < length; i++)
            if (!float.IsFinite(data[i])) Add(ref positions, ref count, i);
        return count;
    }

    /// <summary>Whether every value is NaN (x ≠ x), e.g. a layer deep in a network after a NaN spread over its whole input.</summary>
    public static bool AllNaN(float* data, int length)
    {
        int n = Vector<float>.Count, i = 0;
        for (; i <= length - n; i += n)
        {
            Vector<float> x = Vector.Load(data + i);
            if (Vector.EqualsAny(x, x)) return false;
        }
        for (; i < length; i++)
            if (!float.IsNaN(data[i])) return false;
        return true;
    }

    /// <summary>Whether any of the bfloat16 values is NaN or ±infinity (its exponent bits all set), a network's bf16 tensor.</summary>
    public static bool AnyBFloat16(ushort* data, int length)
    {
        int n = Vector<ushort>.Count, i = 0;
        var exponent = new Vector<ushort>(0x7F80);
        Vector<ushort> found = Vector<ushort>.Zero;
        for (; i <= length - n; i += n) found |= Vector.Equals(Vector.Load(data + i) & exponent, exponent);
        if (found != Vector<ushort>.Zero) return true;
        for (; i < length; i++)
            if ((data[i] & 0x7F80) == 0x7F80) return true;
        return false;
    }

    /// <summary><see cref="Record"/> for bfloat16 values.</summary>
    public static int RecordBFloat16(ushort* data, int length, ref int[] positions, int count)
    {
        for (int i = 0; i < length; i++)
            if ((data[i] & 0x7F80) == 0x7F80) Add(ref positions, ref count, i);
        return count;
    }

    private static void Add(ref int[] positions, ref int count, int index)
    {
        if (count == positions.Length) Array.Resize(ref positions, Math.Max(64, 2 * positions.Length));
        positions[count++] = index;
    }
}
