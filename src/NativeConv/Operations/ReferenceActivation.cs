namespace NativeConv;

/// <summary>
/// An activation in the references (<see cref="GraphOp.Reference"/>): its value in double and the bound carried
/// through it. For the piecewise ones: the Lipschitz constant times the incoming error, their own evaluation's roundings,
/// and u·|y| for storing. For the smooth ones (sigmoid, SiLU, GELU, tanh): the Lipschitz constant L times the incoming
/// error E (|f(x̂) − f(x)| ≤ L·|x̂ − x| by the mean value theorem), the implementations' own error at the computed input
/// x̂ (<see cref="ActivationErrors"/>: k·u·|f(x̂)| + c·u·|x̂| + a, with |f(x̂)| ≤ |f(x)| + L·E and |x̂| ≤ |x| + E), and
/// this double evaluation's own error.
/// <para>
/// L = max |f'|: sigmoid 1/4 (σ' = σ(1 − σ), largest at 0); tanh 1 (1 − tanh², at 0); SiLU 1.0998: SiLU' = σ(x)(1 + x(1 − σ(x)))
/// is extreme where SiLU'' = σ(1 − σ)(2 − x·tanh(x/2)) = 0, i.e. x·tanh(x/2) = 2, x = ±2.39936, giving 1.09984 and
/// −0.09984; GELU 1.1289: GELU' = Φ(x) + x·φ(x) is extreme where GELU'' = φ(x)(2 − x²) = 0, x = ±√2, giving
/// Φ(√2) + √2·φ(√2) = 0.92135 + 0.20755 = 1.12890 and −0.12890. Each is rounded up.
/// </para>
/// </summary>
internal static class ReferenceActivation
{
    /// <summary>The double evaluation's relative error (Math.Exp and Math.Tanh within a few units of 2⁻⁵³; <see cref="ErrorFunction"/> within 2⁻⁴⁴).</summary>
    public const double DoubleEvaluation = 1.0 / (1L << 44);

    /// <param name="pre">The exact value before the activation.</param>
    /// <param name="error">The bound on a float32 evaluation's error in <paramref name="pre"/>.</param>
    public static void Apply(Activation activation, double pre, double error, out double value, out double bound)
    {
        const double u = ReferenceContext.U;
        value = activation.Apply(pre);
        double widened = Math.Abs(pre) + error;
        switch (activation.Kind)
        {
            case ActivationKind.HardSwish:
                bound = 1.5 * error + 4 * u * widened * (widened / 6 + 1) + u * (Math.Abs(value) + error);
                return;
            case ActivationKind.HardSigmoid:
                bound = error / 6 + 4 * u * (widened / 6 + 1) + u * (Math.Abs(value) + error);
                return;
            case ActivationKind.Sigmoid or ActivationKind.SiLU or ActivationKind.GELU or ActivationKind.Tanh:
            {
                double propagated = Lipschitz(activation.Kind) * error;
                bound = propagated + ActivationErrors.Bound(activation.Kind, Math.Abs(value) + propagated, widened) + DoubleEvaluation * Math.Abs(value);
                return;
            }
            default: // ReLU, ReLU6, clamps: 1-Lipschitz and exact
                bound = error + u * (Math.Abs(value) + error);
                return;
        }
    }

    /// <summary>max |f'| of the smooth activations (derived above), rounded up; 1 for the others' purposes.</summary>
    public static double Lipschitz(ActivationKind kind) => kind switch
    {
        ActivationKind.Sigmoid => 0.25,
        ActivationKind.Tanh => 1,
        ActivationKind.SiLU => 1.0999,
        ActivationKind.GELU => 1.129,
        ActivationKind.HardSwish => 1.5,
        ActivationKind.HardSigmoid => 1.0 / 6,
        _ => 1,
    };

    /// <summary>
    /// The activation's own rounding relative to its terms, for the first-order budget (<see cref="ReferenceContext"/>);
    /// for the smooth ones (k + c)·u, relative to <see cref="Magnitude"/>.
    /// </summary>
    public static double RelativeRounding(Activation activation) => activation.Kind switch
    {
        ActivationKind.None => 0,
        ActivationKind.Sigmoid or ActivationKind.SiLU or ActivationKind.GELU or ActivationKind.Tanh =>
            (ActivationErrors.Relative(activation.Kind) + ActivationErrors.OfInput(activation.Kind)) * ReferenceContext.U,
        ActivationKind.HardSwish or ActivationKind.HardSigmoid => 5 * ReferenceContext.U,
        _ => ReferenceContext.U,
    };

    /// <summary>
    /// The magnitude the first-order budget is relative to after the activation, given <paramref name="magnitude"/> M
    /// before it (M ≥ |x|) and the activation's value f. For the smooth ones max(L, 1)·M + |f|: an error r·M carried in
    /// comes out at most L·r·M, and their own k·u·|f| + c·u·|x| is at most (k + c)·u times this magnitude, so
    /// (r + (k + c)·u) times it bounds both (a sigmoid near 0 is 1/2 however small its input's terms are). The
    /// piecewise ones keep M.
    /// </summary>
    public static double Magnitude(Activation activation, double magnitude, double value) => activation.Kind switch
    {
        ActivationKind.Sigmoid or ActivationKind.SiLU or ActivationKind.GELU or ActivationKind.Tanh =>
            Math.Max(Lipschitz(activation.Kind), 1) * magnitude + Math.Abs(value),
        _ => magnitude,
    };

    /// <summary>
    /// What an activation fused after a convolution or an add adds to the first-order budget: a smooth one's
    /// <see cref="RelativeRounding"/>; nothing for the piecewise ones, whose roundings that budget has always left to its
    /// storage term.
    /// </summary>
    public static double FusedRounding(Activation activation) => IsSmooth(activation.Kind) ? RelativeRounding(activation) : 0;

    /// <summary>Sigmoid, SiLU, GELU or tanh: the activations whose implementations' error is measured (<see cref="ActivationErrors"/>).</summary>
    public static bool IsSmooth(ActivationKind kind) => kind is ActivationKind.Sigmoid or ActivationKind.SiLU or ActivationKind.GELU or ActivationKind.Tanh;
}
