using System.Numerics;

namespace NativeConv;

/// <summary>
/// GELU, x·Φ(x) = S + S·erf(x/√2) with S = x/2 (one fused multiply-add), erf(x/√2) ≈ x·P(x²)/Q(x²) on |x| &lt; 5.6 and
/// ±1 from there (where float's erf(x/√2) is ±1), vectorized: the managed GELU (.NET has no erf). P and Q (degree 5 in
/// x²) were fitted for the least maximum relative error, 2.2·10⁻⁸ in exact arithmetic
/// (tests/NativeConv.Benchmarks/Activations/fit_rational.py); the float evaluation's error, measured over every float,
/// is in <see cref="ActivationErrors"/>. GELU(−∞) = −∞ + ∞ = NaN and GELU(∞) = ∞, as PyTorch gives; NaN stays NaN.
/// </summary>
internal readonly struct RationalGelu : IVectorFunction
{
    private const float Limit = 5.6f;
    private const float P0 = 0.79788454386036406f, P1 = 0.067853612170458943f, P2 = 0.0093543605314367472f, P3 = 0.00033780465473832426f,
        P4 = 1.2578450864710255e-5f, P5 = 4.4593726770068954e-8f;
    private const float Q1 = 0.25170821981866509f, Q2 = 0.028676198156916575f, Q3 = 0.001885340165149144f, Q4 = 7.3333651750415103e-5f,
        Q5 = 1.1795998770372198e-6f;

    /// <summary>From <paramref name="source"/> into <paramref name="data"/> (the same buffer, or one that does not overlap it).</summary>
    public static unsafe void Apply(float* source, float* data, int length) => VectorLoop.Map<RationalGelu>(source, data, length);

    public static Vector<float> Invoke(Vector<float> x)
    {
        Vector<float> c = Horner.Clamped(x, Limit), t = c * c; // NaN is carried by s below
        Vector<float> erf = Horner.BoundedRatio(c, Horner.Evaluate(t, P0, P1, P2, P3, P4, P5), Horner.Evaluate(t, 1, Q1, Q2, Q3, Q4, Q5));
        erf = Vector.ConditionalSelect(Vector.GreaterThanOrEqual(Vector.Abs(x), new Vector<float>(Limit)), Vector.CopySign(Vector<float>.One, x), erf);
        Vector<float> s = x * new Vector<float>(0.5f);
        return Vector.FusedMultiplyAdd(s, erf, s);
    }
}
