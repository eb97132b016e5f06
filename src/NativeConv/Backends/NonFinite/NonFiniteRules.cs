namespace NativeConv;

/// <summary>
/// The reference's rules for NaN and ±infinity, in one place: the reference computes them (IEEE arithmetic in double),
/// and the repair of the native kernels (<see cref="ConvRepair"/>) and the tests read them from here.
/// <para>
/// A convolution's output is a sum of products w·x plus a bias. With a NaN input in its window the sum is NaN (NaN·0 is
/// NaN). Otherwise, with infinite inputs there, it is NaN when an infinity meets a zero weight (∞·0) or a +∞ and a −∞
/// contribution meet, else that infinity: the finite terms and the bias do not matter. The activation then applies to
/// that value as <see cref="Activation.Apply"/> defines it, so a new activation kind needs no rule of its own here.
/// Weights are taken as finite: a NaN or infinite weight makes outputs of finite inputs non-finite, which follow the library.
/// </para>
/// <para>
/// PyTorch 1.13 (Debian's python3-torch), checked value by value, which <see cref="Activation.Apply"/> matches:
/// <code>
///                 NaN   +inf   -inf   +0    -0
/// relu            NaN   +inf   0      0     -0 (the reference: +0)
/// relu6           NaN   6      0      0     -0 (the reference: +0)
/// clamp/hardtanh  NaN   max    min    0     -0
/// hardswish       NaN   +inf   NaN    0     -0   (x·relu6(x+3)/6: −∞·0)
/// hardsigmoid     NaN   1      0      0.5   0.5
/// sigmoid         NaN   1      0      0.5   0.5  (kinds of the coming activation branch)
/// silu            NaN   +inf   NaN    0     -0
/// gelu (erf)      NaN   +inf   NaN    0     0
/// tanh            NaN   1      -1     0     -0
/// </code>
/// Zeros compare equal whatever their sign; the tests compare zeros as zeros.
/// </para>
/// </summary>
public static class NonFiniteRules
{
    /// <summary>The sum's class: NaN, +∞ and −∞ contributions met so far (<see cref="Contribution"/>), as flags.</summary>
    [Flags]
    public enum Classes : byte
    {
        None = 0,
        NaN = 1,
        PositiveInfinity = 2,
        NegativeInfinity = 4,
    }

    /// <summary>What one product w·x adds to its sum's class, for a non-finite <paramref name="x"/>.</summary>
    public static Classes Contribution(float x, float weight)
    {
        if (float.IsNaN(x) || float.IsNaN(weight) || weight == 0) return Classes.NaN;
        return (x > 0) == (weight > 0) ? Classes.PositiveInfinity : Classes.NegativeInfinity;
    }

    /// <summary>The class a non-finite value has on its own (a residual added after the convolution).</summary>
    public static Classes Of(float x) => float.IsNaN(x) ? Classes.NaN : x > 0 ? Classes.PositiveInfinity : Classes.NegativeInfinity;

    /// <summary>The sum's value once every contribution is in: NaN, +∞ or −∞ (<paramref name="classes"/> is not None).</summary>
    public static double Sum(Classes classes) =>
        (classes & Classes.NaN) != 0 || classes == (Classes.PositiveInfinity | Classes.NegativeInfinity) ? double.NaN
        : classes == Classes.PositiveInfinity ? double.PositiveInfinity : double.NegativeInfinity;

    /// <summary>The activation of a non-finite pre-activation value, as the reference computes it.</summary>
    public static float Activate(Activation activation, double value) => (float)activation.Apply(value);

    /// <summary>Whether <paramref name="x"/> is NaN or ±infinity (what the scans look for).</summary>
    public static bool IsNonFinite(float x) => !float.IsFinite(x);

    /// <summary>Each activation kind's value at NaN, +∞ and −∞, as the reference computes it (for Describe and the tests' tables).</summary>
    public static (float NaN, float PositiveInfinity, float NegativeInfinity) Table(Activation activation) =>
        (Activate(activation, double.NaN), Activate(activation, double.PositiveInfinity), Activate(activation, double.NegativeInfinity));
}
