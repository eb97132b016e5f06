namespace NativeConv;

/// <summary>
/// The largest error of every implementation this library runs a smooth activation on, measured over every float
/// input: |f̂(x) − f(x)| ≤ k·u·|f(x)| + c·u·|x| + a, u = 2⁻²⁴. PLACEHOLDER until measured.
/// </summary>
internal static class ActivationErrors
{
    /// <summary>a: outputs below float's normal range may be flushed to zero.</summary>
    public const double Absolute = 1.0 / (1L << 62) / (1L << 62) / 4; // 2⁻¹²⁶

    /// <summary>k, relative to the activation's value.</summary>
    public static double Relative(ActivationKind kind) => kind switch
    {
        ActivationKind.Sigmoid => 8,
        ActivationKind.SiLU => 8,
        ActivationKind.GELU => 8,
        ActivationKind.Tanh => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "no measured error: a piecewise activation's rounding is derived"),
    };

    /// <summary>c, relative to the input (GELU's 1 + erf cancels for negative inputs: its error is the erf's absolute error times x/2).</summary>
    public static double OfInput(ActivationKind kind) => kind == ActivationKind.GELU ? 8 : 0;

    /// <summary>The bound for an activation of magnitude at most <paramref name="value"/> of an input of magnitude at most <paramref name="input"/>.</summary>
    public static double Bound(ActivationKind kind, double value, double input) =>
        ReferenceContext.U * (Relative(kind) * value + OfInput(kind) * input) + Absolute;
}
