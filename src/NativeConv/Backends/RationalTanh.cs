using System.Numerics;

namespace NativeConv;

/// <summary>
/// tanh(x) ≈ x·P(x²)/Q(x²) on |x| ≤ 9.1, ±1 beyond (where float's tanh is ±1), vectorized: the managed tanh.
/// TensorPrimitives.Tanh's vectorized path is not used: it is off by up to 2⁻²⁴ absolutely near 0 (tanh(0) = −2⁻²⁴,
/// tanh(10⁻⁵) 0.5% low), where PyTorch is relatively accurate. P and Q (degree 4 in x²) were fitted for the least
/// maximum relative error, 2.3·10⁻⁸ in exact arithmetic (tests/NativeConv.Benchmarks/Activations/fit_rational.py);
/// the float evaluation's error, measured over every float, is in <see cref="ActivationErrors"/>. NaN stays NaN.
/// </summary>
internal readonly struct RationalTanh : IVectorFunction
{
    private const float Limit = 9.1f;
    private const float P0 = 0.99999997740200347f, P1 = 0.13374420204361185f, P2 = 0.0034877446923408947f, P3 = 2.0480072546465465e-5f, P4 = 1.3175972880755185e-8f;
    private const float Q1 = 0.46707734065763814f, Q2 = 0.025847138624032203f, Q3 = 0.00032728104584595872f, Q4 = 7.7034113368623115e-7f;

    /// <summary>From <paramref name="source"/> into <paramref name="data"/> (the same buffer, or one that does not overlap it).</summary>
    public static unsafe void Apply(float* source, float* data, int length) => VectorLoop.Map<RationalTanh>(source, data, length);

    public static Vector<float> Invoke(Vector<float> x)
    {
        Vector<float> c = Horner.Clamped(x, Limit), t = c * c;
        Vector<float> tanh = Horner.BoundedRatio(c, Horner.Evaluate(t, P0, P1, P2, P3, P4), Horner.Evaluate(t, 1, Q1, Q2, Q3, Q4));
        return Vector.ConditionalSelect(Vector.Equals(x, x), tanh, x); // NaN stays NaN
    }
}
