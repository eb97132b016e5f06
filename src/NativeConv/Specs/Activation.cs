namespace NativeConv;

public enum ActivationKind
{
    None,
    ReLU,
    ReLU6,
    HardSwish,
    Clamp,
    HardSigmoid,
}

/// <summary>An activation fused after a convolution (and its bias).</summary>
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

    /// <summary>The activation of one value, in double: what the reference backend computes.</summary>
    public double Apply(double x) => Kind switch
    {
        ActivationKind.None => x,
        ActivationKind.ReLU => Math.Max(x, 0),
        ActivationKind.ReLU6 => Math.Min(Math.Max(x, 0), 6),
        ActivationKind.HardSwish => x * Math.Min(Math.Max(x + 3, 0), 6) / 6,
        ActivationKind.Clamp => Math.Min(Math.Max(x, Min), Max),
        ActivationKind.HardSigmoid => Math.Min(Math.Max(x + 3, 0), 6) / 6,
        _ => throw new InvalidOperationException($"unknown activation {Kind}"),
    };

    public override string ToString() => Kind == ActivationKind.Clamp ? $"clamp({Min},{Max})" : Kind.ToString().ToLowerInvariant();
}
