namespace NativeConv.Testing;

/// <summary>
/// How far a float32 convolution may be from the exact result, derived rather than tuned.
///
/// Accumulation: each of the n = (in/groups)·kh·kw terms (at most that many for a transposed convolution,
/// <see cref="ConvolutionSpec.AccumulationLength"/>) is a rounded product (relative error ≤ u,
/// u = 2⁻²⁴) added into a rounded running sum; for any summation order (sequential, blocked,
/// vectorized, with or without FMA) the classic bound is |ŷ − y| ≤ γ_(n+1) · Σ|w·x| + |b| terms,
/// γ_k = k·u/(1 − k·u) ≤ 2·k·u for k·u ≤ 1/2. Hence c = 2 with n + 1 counting the bias.
/// The reference rounds the exact value to float once: + u·|y|.
/// Activations: ReLU, ReLU6 and clamps are 1-Lipschitz and exact, so they keep the bound. HardSwish
/// has slope ≤ 1.5 on [−3, 3] (and 0 or 1 outside), so it scales the bound by 1.5, and evaluating it
/// adds at most 4 roundings of terms no larger than |x|·(|x|/6 + 1). HardSigmoid, ReLU6(x + 3)/6, has slope
/// ≤ 1/6, so it scales the bound by 1/6, and evaluating it (x/6 or x·(1/6), + 1/2, clamp) adds at most 4
/// roundings of terms no larger than |x|/6 + 1.
/// Sigmoid, SiLU, GELU and tanh (the same rule as the references', <see cref="ReferenceActivation"/>): their Lipschitz
/// constant L (1/4, 1.0999, 1.129, 1) times the accumulation bound E, plus the implementations' own error at the computed
/// input, k·u·(|y| + L·E) + c·u·(|x| + E) + a, measured over every float input for every implementation a backend may
/// run (<see cref="ActivationErrors"/>), plus u·|y| for the reference's one rounding and its double evaluation's error.
/// On integer-valued data every partial sum is an integer below 2²⁴: exact, so the accumulation term
/// vanishes and only activation rounding remains (none for ReLU/ReLU6/integer clamps).
/// </summary>
public static class ErrorBound
{
    public const double U = 1.0 / (1 << 24);

    public static double For(ConvolutionSpec spec, double preActivation, double absSum, bool integerData)
    {
        int n = spec.AccumulationLength + 1;
        double accumulation = integerData ? 0 : 2.0 * n * U * absSum;
        double y = spec.Activation.Apply(preActivation);
        return spec.Activation.Kind switch
        {
            ActivationKind.HardSwish => 1.5 * accumulation + 4 * U * Math.Abs(preActivation) * (Math.Abs(preActivation) / 6 + 1) + U * Math.Abs(y),
            ActivationKind.HardSigmoid => accumulation / 6 + 4 * U * (Math.Abs(preActivation) / 6 + 1) + U * Math.Abs(y),
            ActivationKind.Sigmoid or ActivationKind.SiLU or ActivationKind.GELU or ActivationKind.Tanh => Smooth(spec.Activation.Kind, preActivation, accumulation, y),
            _ => accumulation + (integerData ? 0 : U * Math.Abs(y)),
        };
    }

    private static double Smooth(ActivationKind kind, double x, double accumulation, double y)
    {
        double propagated = ReferenceActivation.Lipschitz(kind) * accumulation;
        return propagated + ActivationErrors.Bound(kind, Math.Abs(y) + propagated, Math.Abs(x) + accumulation)
            + (U + ReferenceActivation.DoubleEvaluation) * Math.Abs(y);
    }
}
