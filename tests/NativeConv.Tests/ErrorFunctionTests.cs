using Xunit;

namespace NativeConv.Tests;

/// <summary>
/// The reference's erfc and the smooth activations in double, against mpmath at 50 digits (the values below, printed by
/// <c>mpmath.nstr(mpmath.erfc(mpmath.mpf(z)), 17)</c> and the like), within the 2⁻⁴⁴ relative error the bounds assume
/// for the double evaluation (<see cref="ReferenceActivation.DoubleEvaluation"/>): across the series, the continued
/// fraction and the switch between them, far into the tail.
/// </summary>
public class ErrorFunctionTests
{
    public static TheoryData<double, double> Erfc() => new()
    {
        { -6, 2.0 }, { -3.5, 1.9999992569016277 }, { -2.0000001, 1.9953222670856509 }, { -1.999999, 1.995322244351926 },
        { -1, 1.8427007929497149 }, { -0.3, 1.3286267594591274 }, { -1e-8, 1.0000000112837917 }, { 0, 1.0 }, { 1e-300, 1.0 },
        { 1e-8, 9.9999998871620833e-1 }, { 0.5, 4.7950012218695346e-1 }, { 1.25, 7.709987174354177e-2 }, { 1.9999999, 4.6777370477462146e-3 },
        { 2, 4.6777349810472658e-3 }, { 2.0000001, 4.6777329143491438e-3 }, { 2.7, 1.3433273994052433e-4 }, { 3.9375, 2.5699190612911506e-8 },
        { 5, 1.5374597944280349e-12 }, { 8.5, 2.7623240713337714e-33 }, { 14, 3.0372298477503117e-87 }, { 26.5, 2.2109076642637343e-307 },
    };

    [Theory]
    [MemberData(nameof(Erfc))]
    public void Erfc_matches_mpmath(double z, double expected) => Near(expected, ErrorFunction.Erfc(z), $"erfc({z})");

    /// <summary>
    /// <c>x*mpmath.ncdf(x)</c> (GELU), <c>x/(1+mpmath.exp(-x))</c> (SiLU), <c>1/(1+mpmath.exp(-x))</c> (sigmoid), at x in
    /// GELU's negative tail, its knee and its positive side.
    /// </summary>
    public static TheoryData<string, double, double> Activations() => new()
    {
        { "gelu", -12, -2.1317785344932148e-32 }, { "gelu", -5, -1.4332578593959696e-6 }, { "gelu", -1.4142135623730951, -0.11122733598052339 },
        { "gelu", -1e-6, -4.999996010577196e-7 }, { "gelu", 0.75, 0.58002948571734885 }, { "gelu", 3, 2.9959503059051097 },
        { "silu", -30, -2.8072868906517897e-12 }, { "silu", 2.39936, 2.199681631253753 }, { "sigmoid", -100, 3.720075976020836e-44 },
    };

    [Theory]
    [MemberData(nameof(Activations))]
    public void Smooth_activations_match_mpmath(string kind, double x, double expected)
    {
        Activation activation = kind switch { "gelu" => Activation.GELU, "silu" => Activation.SiLU, _ => Activation.Sigmoid };
        Near(expected, activation.Apply(x), $"{activation}({x})");
    }

    [Fact]
    public void The_tails_are_exact_and_NaN_stays_NaN()
    {
        Assert.Equal(0, ErrorFunction.Erfc(double.PositiveInfinity));
        Assert.Equal(2, ErrorFunction.Erfc(double.NegativeInfinity));
        Assert.True(double.IsNaN(ErrorFunction.Erfc(double.NaN)));
        Assert.Equal(0, ErrorFunction.NormalDistribution(double.NegativeInfinity));
        Assert.Equal(1, ErrorFunction.NormalDistribution(double.PositiveInfinity));
    }

    private static void Near(double expected, double actual, string what) =>
        Assert.True(Math.Abs(actual - expected) <= ReferenceActivation.DoubleEvaluation * Math.Abs(expected),
            $"{what} = {actual:R}, mpmath {expected:R}: relative error {Math.Abs(actual - expected) / Math.Abs(expected):e2}");
}
