namespace NativeConv.Testing;

/// <summary>The reference's double functions that independent evaluators (the ONNX graph's) need and .NET lacks.</summary>
public static class ReferenceFunctions
{
    /// <summary>erf(z) = 1 − erfc(z), from the reference's erfc (checked against mpmath: ErrorFunctionTests); absolute error a few 2⁻⁵³.</summary>
    public static double Erf(double z) => 1 - ErrorFunction.Erfc(z);
}
