namespace NativeConv;

public enum ActivationKind
{
    None,
    ReLU,
    ReLU6,
    HardSwish,
    Clamp,
    HardSigmoid,
    Sigmoid,
    SiLU,
    GELU,
    Tanh,
}

/// <summary>An activation: fused after a convolution (and its bias) or an add, or an operation of its own (<see cref="GraphBuilder.Activation"/>).</summary>
public readonly record struct Activation
{
    private Activation(ActivationKind kind, float min, float max)
    {
        Kind = kind;
        Min = min;
        Max = max;
    }

    public ActivationKind Kind { get; }

    /// <summary>Lower bound of <see cref="ActivationKind.Clamp"/> (and 0 for ReLU/ReLU6).</summary>
    public float Min { get; }

    /// <summary>Upper bound of <see cref="ActivationKind.Clamp"/> (6 for ReLU6, +inf for ReLU).</summary>
    public float Max { get; }

    public static Activation None { get; } = new(ActivationKind.None, float.NegativeInfinity, float.PositiveInfinity);

    public static Activation ReLU { get; } = new(ActivationKind.ReLU, 0, float.PositiveInfinity);

    public static Activation ReLU6 { get; } = new(ActivationKind.ReLU6, 0, 6);

    /// <summary>x * ReLU6(x + 3) / 6 (MobileNet v3).</summary>
    public static Activation HardSwish { get; } = new(ActivationKind.HardSwish, float.NegativeInfinity, float.PositiveInfinity);

    /// <summary>ReLU6(x + 3) / 6 (MobileNet v3's squeeze-and-excitation gate).</summary>
    public static Activation HardSigmoid { get; } = new(ActivationKind.HardSigmoid, 0, 1);

    /// <summary>1 / (1 + e⁻ˣ) (PyTorch's <c>sigmoid</c>).</summary>
    public static Activation Sigmoid { get; } = new(ActivationKind.Sigmoid, float.NegativeInfinity, float.PositiveInfinity);

    /// <summary>x · sigmoid(x) (PyTorch's <c>silu</c>, EfficientNet's swish).</summary>
    public static Activation SiLU { get; } = new(ActivationKind.SiLU, float.NegativeInfinity, float.PositiveInfinity);

    /// <summary>x · Φ(x), Φ the standard normal distribution function (PyTorch's <c>gelu</c>, its default erf form).</summary>
    public static Activation GELU { get; } = new(ActivationKind.GELU, float.NegativeInfinity, float.PositiveInfinity);

    /// <summary>The hyperbolic tangent (PyTorch's <c>tanh</c>).</summary>
    public static Activation Tanh { get; } = new(ActivationKind.Tanh, float.NegativeInfinity, float.PositiveInfinity);

    /// <summary>min(max(x, <paramref name="min"/>), <paramref name="max"/>).</summary>
    public static Activation Clamp(float min, float max)
    {
        if (float.IsNaN(min)) throw new ArgumentOutOfRangeException(nameof(min), min, "clamp bound must not be NaN");
        if (float.IsNaN(max)) throw new ArgumentOutOfRangeException(nameof(max), max, "clamp bound must not be NaN");
        if (min > max) throw new ArgumentException($"clamp min ({min}) must not exceed max ({max})", nameof(min));
        if (float.IsPositiveInfinity(min)) throw new ArgumentOutOfRangeException(nameof(min), min, "clamp min must be below +infinity");
        if (float.IsNegativeInfinity(max)) throw new ArgumentOutOfRangeException(nameof(max), max, "clamp max must be above -infinity");
        return new Activation(ActivationKind.Clamp, min, max);
    }

    /// <summary>
    /// The activation of one value, in double: what the reference backend computes. NaN and ±∞ give PyTorch's answers:
    /// sigmoid(±∞) = 1 and 0, tanh(±∞) = ±1, SiLU(∞) = GELU(∞) = ∞, SiLU(−∞) = GELU(−∞) = NaN (−∞ · 0).
    /// </summary>
    public double Apply(double x) => Kind switch
    {
        ActivationKind.None => x,
        ActivationKind.ReLU => Math.Max(x, 0),
        ActivationKind.ReLU6 => Math.Min(Math.Max(x, 0), 6),
        ActivationKind.HardSwish => x * Math.Min(Math.Max(x + 3, 0), 6) / 6,
        ActivationKind.Clamp => Math.Min(Math.Max(x, Min), Max),
        ActivationKind.HardSigmoid => Math.Min(Math.Max(x + 3, 0), 6) / 6,
        ActivationKind.Sigmoid => 1 / (1 + Math.Exp(-x)),
        ActivationKind.SiLU => x * (1 / (1 + Math.Exp(-x))),
        ActivationKind.GELU => x * ErrorFunction.NormalDistribution(x),
        ActivationKind.Tanh => Math.Tanh(x),
        _ => throw new InvalidOperationException($"unknown activation {Kind}"),
    };

    /// <summary>PyTorch's name (relu6, hardswish, sigmoid, silu, gelu, tanh, ...), or clamp(min,max).</summary>
    public override string ToString() => Kind == ActivationKind.Clamp ? $"clamp({Min},{Max})" : Kind.ToString().ToLowerInvariant();
}
