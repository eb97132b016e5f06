namespace NativeConv;

internal sealed partial class AvgPoolOp
{
    /// <summary>
    /// The sum of the window's m taps inside the input over the divisor d, and its bound Σ E / d + 2(m + 1)·u·Σ(|x| + E) / d:
    /// any order of the m − 1 additions (γ_(m−1)), then one division, or a product by the rounded 1/d (two roundings),
    /// within γ_(m+1) ≤ 2(m + 1)u of Σ|x| / d. A library that adds the padding as zeros adds them exactly. Magnitude
    /// Σ|terms| / d, budget + 2(kh·kw + 1)u.
    /// </summary>
    public override ReferenceTensor[] Reference(ReferenceTensor[] inputs, ReferenceContext context)
    {
        const double u = ReferenceContext.U;
        PoolGeometry g = Spec.Geometry(inputs[0].Shape);
        return Reference(inputs[0], inputs[0].RelativeBudget + 2.0 * ((long)Spec.Kernel.Height * Spec.Kernel.Width + 1) * u, (x, taps, oy, ox) =>
        {
            double sum = 0, e = 0, widened = 0, terms = 0, d = Divisor(g, oy, ox);
            foreach (int i in taps)
            {
                sum += x.Value[i];
                e += x.Bound[i];
                widened += Math.Abs(x.Value[i]) + x.Bound[i];
                terms += x.Magnitude[i];
            }
            return (sum / d, e / d + 2.0 * (taps.Length + 1) * u * widened / d, terms / d);
        });
    }
}
