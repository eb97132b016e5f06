using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NativeConv;

/// <summary>
/// <see cref="Quantizer.Quantize{T}"/> and <see cref="Quantizer.Dequantize{T}"/> for byte and sbyte, 16 or 32 values per step,
/// with the scalar definitions' exact results: a caller with float tensors quantizes its input and dequantizes its
/// output on every call, so these run on the hot path.
/// <para>
/// Quantizing multiplies by the float reciprocal where the scalar definition divides in double, and gets the same
/// integer. The product q is within 2^-22 · |q| of the true quotient r = x / scale (two roundings of 2^-24 each), so
/// below 1024 it is within 2^-12 of r, and where q lies more than that from every half-integer, r rounds to the same
/// integer as q. Lanes within the band (rare: one check per vector) are settled exactly: for the half-integer h nearest
/// q, the FMA x − h · scale is rounded once, so its sign is the exact sign of r − h; on h itself (a true tie) ties go to
/// even. From 1024 up, every result saturates, however q rounds. The residual's sign is exact unless it underflows to
/// zero, which a scale of at least 2^-100 rules out (x and h · scale then lie on grids no finer than 2^-149); smaller
/// scales take the scalar loop. NaN quantizes to the zero point, as the scalar path does (<see cref="QuantizationParameters.Quantize"/>).
/// </para>
/// </summary>
internal static class QuantizedVectors
{
    /// <summary>The smallest scale the vector path takes (see the class): below it, a residual could underflow.</summary>
    private const float SmallestVectorScale = 7.888609e-31f; // 2^-100

    /// <summary>How close to a half-integer a product may come before its lane is settled exactly: 0.5 − 2^-12.</summary>
    private const float TieBand = 0.5f - 1f / 4096;

    /// <summary>Quantizes values[0..] into quantized[0..] and returns how many it did (a multiple of 16; the caller does the tail).</summary>
    public static int Quantize<T>(ReadOnlySpan<float> values, Span<T> quantized, QuantizationParameters parameters) where T : unmanaged
    {
        if (!Vector256.IsHardwareAccelerated || (typeof(T) != typeof(byte) && typeof(T) != typeof(sbyte)) || parameters.Scale < SmallestVectorScale) return 0;
        bool signed = typeof(T) == typeof(sbyte);
        if (Avx512F.IsSupported && Vector512.IsHardwareAccelerated) return Quantize512(values, MemoryMarshal.AsBytes(quantized), parameters, signed);
        var scale = Vector256.Create(parameters.Scale);
        var reciprocal = Vector256.Create(1f / parameters.Scale);
        var zero = Vector256.Create((float)parameters.ZeroPoint);
        var min = Vector256.Create(signed ? -128f : 0f);
        var max = Vector256.Create(signed ? 127f : 255f);
        ref float source = ref MemoryMarshal.GetReference(values);
        ref byte target = ref Unsafe.As<T, byte>(ref MemoryMarshal.GetReference(quantized));
        int done = 0;
        for (; done + 32 <= values.Length; done += 32)
        {
            Vector256<int> a = Eight(Vector256.LoadUnsafe(ref source, (nuint)done), scale, reciprocal, zero, min, max);
            Vector256<int> b = Eight(Vector256.LoadUnsafe(ref source, (nuint)done + 8), scale, reciprocal, zero, min, max);
            Vector256<int> c = Eight(Vector256.LoadUnsafe(ref source, (nuint)done + 16), scale, reciprocal, zero, min, max);
            Vector256<int> d = Eight(Vector256.LoadUnsafe(ref source, (nuint)done + 24), scale, reciprocal, zero, min, max);
            // Every value is already within the type's range: narrowing only drops the high bytes.
            Vector256<ushort> low = Vector256.Narrow(a.AsUInt32(), b.AsUInt32()), high = Vector256.Narrow(c.AsUInt32(), d.AsUInt32());
            Vector256.Narrow(low, high).StoreUnsafe(ref target, (nuint)done);
        }
        return done;
    }

    /// <summary>
    /// <see cref="Quantize{T}"/> sixteen values per vector where AVX-512 runs them at full width (half the instructions
    /// per value: this loop is bound by them, not by memory); the same steps as <see cref="Eight"/>, and each int's low
    /// byte stored by one narrowing move.
    /// </summary>
    private static int Quantize512(ReadOnlySpan<float> values, Span<byte> quantized, QuantizationParameters parameters, bool signed)
    {
        var scale = Vector512.Create(parameters.Scale);
        var reciprocal = Vector512.Create(1f / parameters.Scale);
        var zero = Vector512.Create((float)parameters.ZeroPoint);
        var min = Vector512.Create(signed ? -128f : 0f);
        var max = Vector512.Create(signed ? 127f : 255f);
        var half = Vector512.Create(0.5f);
        ref float source = ref MemoryMarshal.GetReference(values);
        ref byte target = ref MemoryMarshal.GetReference(quantized);
        int done = 0;
        for (; done + 16 <= values.Length; done += 16)
        {
            Vector512<float> x = Vector512.LoadUnsafe(ref source, (nuint)done);
            Vector512<float> q = x * reciprocal;
            Vector512<float> n = Vector512.Round(q);
            Vector512<float> offset = q - n;
            Vector512<float> near = Vector512.GreaterThanOrEqual(Vector512.Abs(offset), Vector512.Create(TieBand));
            if (near != Vector512<float>.Zero)
            {
                Vector512<float> h = n + Vector512.ConditionalSelect(Vector512.GreaterThan(offset, Vector512<float>.Zero), half, -half);
                Vector512<float> residual = Vector512.FusedMultiplyAdd(-h, scale, x);
                Vector512<float> settled = Vector512.ConditionalSelect(Vector512.GreaterThan(residual, Vector512<float>.Zero), h + half,
                    Vector512.ConditionalSelect(Vector512.LessThan(residual, Vector512<float>.Zero), h - half, Vector512.Round(h)));
                n = Vector512.ConditionalSelect(near, settled, n);
            }
            Vector512<float> clamped = Vector512.MinNative(Vector512.MaxNative(n + zero, min), max);
            Vector512<int> integers = Vector512.ConditionalSelect(Vector512.Equals(x, x).AsInt32(), Vector512.ConvertToInt32Native(clamped),
                Vector512.Create(parameters.ZeroPoint)); // NaN -> the zero point
            Avx512F.ConvertToVector128Byte(integers).StoreUnsafe(ref target, (nuint)done); // the low byte of each
        }
        return done;
    }

    /// <summary>Eight floats quantized to ints in [min, max] (their low byte is the result).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Eight(Vector256<float> x, Vector256<float> scale, Vector256<float> reciprocal, Vector256<float> zero,
        Vector256<float> min, Vector256<float> max)
    {
        Vector256<float> q = x * reciprocal;
        Vector256<float> n = Vector256.Round(q); // ties to even, as Math.Round(_, ToEven)
        Vector256<float> offset = q - n; // exact: q and n are within 0.5
        Vector256<float> near = Vector256.GreaterThanOrEqual(Vector256.Abs(offset), Vector256.Create(TieBand));
        if (near != Vector256<float>.Zero)
        {
            var half = Vector256.Create(0.5f);
            Vector256<float> h = n + Vector256.ConditionalSelect(Vector256.GreaterThan(offset, Vector256<float>.Zero), half, -half);
            Vector256<float> residual = Vector256.FusedMultiplyAdd(-h, scale, x); // one rounding: the exact sign of x / scale − h
            Vector256<float> settled = Vector256.ConditionalSelect(Vector256.GreaterThan(residual, Vector256<float>.Zero), h + half,
                Vector256.ConditionalSelect(Vector256.LessThan(residual, Vector256<float>.Zero), h - half, Vector256.Round(h)));
            n = Vector256.ConditionalSelect(near, settled, n);
        }
        Vector256<float> clamped = Vector256.MinNative(Vector256.MaxNative(n + zero, min), max); // ±infinity saturate
        return Vector256.ConditionalSelect(Vector256.Equals(x, x).AsInt32(), Vector256.ConvertToInt32Native(clamped),
            Vector256.ConvertToInt32Native(zero)); // NaN -> the zero point
    }

    /// <summary>Dequantizes quantized[0..] into values[0..] and returns how many it did (a multiple of 32; the caller does the tail).</summary>
    public static int Dequantize<T>(ReadOnlySpan<T> quantized, Span<float> values, QuantizationParameters parameters) where T : unmanaged
    {
        if (!Vector256.IsHardwareAccelerated || (typeof(T) != typeof(byte) && typeof(T) != typeof(sbyte))) return 0;
        var scale = Vector256.Create(parameters.Scale);
        var zero = Vector256.Create(parameters.ZeroPoint);
        ref byte source = ref Unsafe.As<T, byte>(ref MemoryMarshal.GetReference(quantized));
        ref float target = ref MemoryMarshal.GetReference(values);
        int done = 0;
        for (; done + 32 <= quantized.Length; done += 32)
        {
            Vector256<byte> bytes = Vector256.LoadUnsafe(ref source, (nuint)done);
            (Vector256<int> a, Vector256<int> b, Vector256<int> c, Vector256<int> d) = typeof(T) == typeof(sbyte) ? Widen(bytes.AsSByte()) : Widen(bytes);
            // (q − z) is an exact small integer, its float exact: one rounding, in the multiply, as Scale * (q − ZeroPoint).
            (scale * Vector256.ConvertToSingle(a - zero)).StoreUnsafe(ref target, (nuint)done);
            (scale * Vector256.ConvertToSingle(b - zero)).StoreUnsafe(ref target, (nuint)done + 8);
            (scale * Vector256.ConvertToSingle(c - zero)).StoreUnsafe(ref target, (nuint)done + 16);
            (scale * Vector256.ConvertToSingle(d - zero)).StoreUnsafe(ref target, (nuint)done + 24);
        }
        return done;
    }

    private static (Vector256<int>, Vector256<int>, Vector256<int>, Vector256<int>) Widen(Vector256<byte> bytes)
    {
        (Vector256<ushort> low, Vector256<ushort> high) = Vector256.Widen(bytes);
        (Vector256<uint> a, Vector256<uint> b) = Vector256.Widen(low);
        (Vector256<uint> c, Vector256<uint> d) = Vector256.Widen(high);
        return (a.AsInt32(), b.AsInt32(), c.AsInt32(), d.AsInt32());
    }

    private static (Vector256<int>, Vector256<int>, Vector256<int>, Vector256<int>) Widen(Vector256<sbyte> bytes)
    {
        (Vector256<short> low, Vector256<short> high) = Vector256.Widen(bytes);
        (Vector256<int> a, Vector256<int> b) = Vector256.Widen(low);
        (Vector256<int> c, Vector256<int> d) = Vector256.Widen(high);
        return (a, b, c, d);
    }
}
