namespace NativeConv;

/// <summary>
/// The largest error of every implementation this library runs a smooth activation on, measured over every finite float
/// input: |f̂(x) − f(x)| ≤ k·u·|f(x)| + c·u·|x| + a, u = 2⁻²⁴, against <see cref="Activation.Apply"/> in double
/// (tests/NativeConv.Benchmarks, <c>--activation-errors</c>): the managed pass, XNNPACK's operators (its subgraph nodes run
/// the same kernels), oneDNN's eltwise JIT kernel (which its convolutions' post-ops share) and its reference kernel (the
/// reference convolutions' post-ops). k is the largest error relative to |f| over exact results of at least 2⁻¹⁰⁰ (for
/// GELU over x ≥ 0 only); c, GELU's, relative to |x| over x ≤ −2⁻¹⁰⁰, where 1 + erf cancels and the tail is flushed to
/// zero; a the largest error among the other exact results, below 2⁻¹⁰⁰, where kernels flush to zero (sigmoid's from
/// about 2⁻¹²⁶, SiLU's from x·2⁻¹²⁶, tanh's subnormal inputs). Each is the largest over the implementations, rounded up.
/// Measured on this machine's AVX-512 paths (oneDNN avx512_core, .NET's 512-bit vectors); another CPU's kernels are
/// measured by running the same command there. Not within it: oneDNN's fused GELU gives +∞ for x ≥ 2¹²⁷ (it computes
/// x·2·0.5), where PyTorch gives x; XNNPACK's sigmoid gives NaN for most |x| from 4.29·10²⁶, which is why its operator
/// never runs sigmoid or SiLU in a pass and its subgraph clamps the input first (<see cref="XnnpackActivations.SigmoidLimit"/>).
/// </summary>
internal static class ActivationErrors
{
    /// <summary>k, relative to the activation's value. Largest: sigmoid 5.674 (oneDNN JIT at x = −69.02), SiLU 6.462 (oneDNN JIT at −72.49), GELU 6.390 (oneDNN JIT at 2.975), tanh 6.103 (XNNPACK at 7.00).</summary>
    public static double Relative(ActivationKind kind) => kind switch
    {
        ActivationKind.Sigmoid => 5.7,
        ActivationKind.SiLU => 6.5,
        ActivationKind.GELU => 6.4,
        ActivationKind.Tanh => 6.2,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "no measured error: a piecewise activation's rounding is derived"),
    };

    /// <summary>c, relative to the input: GELU's alone (its 1 + erf cancels for negative inputs: its error is the erf's absolute error times |x|/2); largest 5.721 (oneDNN JIT at x = −2.973).</summary>
    public static double OfInput(ActivationKind kind) => kind == ActivationKind.GELU ? 5.8 : 0;

    /// <summary>
    /// a: sigmoid 1.949·10⁻³⁷ (oneDNN JIT, flushing from 1.65·10⁻³⁸), SiLU 1.446·10⁻³⁶ (oneDNN JIT at x = −86.99), GELU and
    /// tanh 2⁻¹²⁶ (XNNPACK flushes subnormal inputs, where tanh x = x and GELU x = x/2, to zero).
    /// </summary>
    public static double Absolute(ActivationKind kind) => kind switch
    {
        ActivationKind.Sigmoid => 1.95e-37,
        ActivationKind.SiLU => 1.45e-36,
        ActivationKind.GELU => 1.0 / (1L << 62) / (1L << 62) / 4, // 2⁻¹²⁶
        ActivationKind.Tanh => 1.0 / (1L << 62) / (1L << 62) / 4, // 2⁻¹²⁶
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "no measured error: a piecewise activation's rounding is derived"),
    };

    /// <summary>The bound for an activation of magnitude at most <paramref name="value"/> of an input of magnitude at most <paramref name="input"/>.</summary>
    public static double Bound(ActivationKind kind, double value, double input) =>
        ReferenceContext.U * (Relative(kind) * value + OfInput(kind) * input) + Absolute(kind);
}
