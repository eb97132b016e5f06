using System.Numerics;
using System.Runtime.CompilerServices;

namespace NativeConv;

/// <summary>
/// The parts of the derived odd rational kernels (<see cref="RationalTanh"/>, <see cref="RationalGelu"/>): the input
/// clamped to the fitted interval, polynomials in x² by Horner's rule with fused multiply-adds, and x·P/Q bounded to ±1.
/// </summary>
internal static class Horner
{
    /// <summary>x within ±<paramref name="limit"/> (NaN comes out as a bound: the callers keep NaN themselves).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Clamped(Vector<float> x, float limit) => Vector.MinNative(Vector.MaxNative(x, new Vector<float>(-limit)), new Vector<float>(limit));

    /// <summary>c·p/q within ±1 (an odd function of c that saturates at ±1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> BoundedRatio(Vector<float> c, Vector<float> p, Vector<float> q) =>
        Vector.MinNative(Vector.MaxNative(c * p / q, -Vector<float>.One), Vector<float>.One);

    /// <summary>c0 + c1·t + c2·t² + c3·t³ + c4·t⁴.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Evaluate(Vector<float> t, float c0, float c1, float c2, float c3, float c4) =>
        Vector.FusedMultiplyAdd(Vector.FusedMultiplyAdd(Vector.FusedMultiplyAdd(Vector.FusedMultiplyAdd(
            new Vector<float>(c4), t, new Vector<float>(c3)), t, new Vector<float>(c2)), t, new Vector<float>(c1)), t, new Vector<float>(c0));

    /// <summary>c0 + c1·t + ... + c5·t⁵.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Evaluate(Vector<float> t, float c0, float c1, float c2, float c3, float c4, float c5) =>
        Vector.FusedMultiplyAdd(Evaluate(t, c1, c2, c3, c4, c5), t, new Vector<float>(c0));
}
