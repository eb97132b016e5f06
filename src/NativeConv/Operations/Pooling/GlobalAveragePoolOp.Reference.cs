namespace NativeConv;

internal sealed partial class GlobalAveragePoolOp
{
    /// <summary>The mean over m pixels and its bound mean(E) + 2(m + 1)·u·mean(|x| + E) (the sum, the rounded 1/m, the product).</summary>
    public override ReferenceTensor[] Reference(ReferenceTensor[] inputs, ReferenceContext context)
    {
        const double u = ReferenceContext.U;
        ReferenceTensor x = inputs[0];
        TensorShape s = x.Shape;
        int c = s.Channels, m = s.Height * s.Width;
        var shape = s with { Height = 1, Width = 1 };
        var value = new double[shape.Length];
        var bound = new double[shape.Length];
        var magnitude = new double[shape.Length];
        for (int n = 0; n < s.Batch; n++)
            for (int ch = 0; ch < c; ch++)
            {
                double sum = 0, e = 0, widened = 0, terms = 0;
                for (int p = 0; p < m; p++)
                {
                    int i = (n * m + p) * c + ch;
                    sum += x.Value[i];
                    e += x.Bound[i];
                    widened += Math.Abs(x.Value[i]) + x.Bound[i];
                    terms += x.Magnitude[i];
                }
                value[n * c + ch] = sum / m;
                bound[n * c + ch] = e / m + 2.0 * (m + 1) * u * widened / m;
                magnitude[n * c + ch] = terms / m;
            }
        return [new ReferenceTensor(shape, value, bound, magnitude, x.RelativeBudget + 2.0 * (m + 1) * u)];
    }
}
