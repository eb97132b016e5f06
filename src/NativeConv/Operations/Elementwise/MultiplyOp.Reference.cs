namespace NativeConv;

internal sealed partial class MultiplyOp
{
    /// <summary>x·s (s per channel or elementwise) and its bound E_x·|s| + (|x| + E_x)·E_s + u·(|x| + E_x)(|s| + E_s); budget + 2u.</summary>
    public override ReferenceTensor[] Reference(ReferenceTensor[] inputs, ReferenceContext context)
    {
        const double u = ReferenceContext.U;
        ReferenceTensor x = inputs[0], scale = inputs[1];
        TensorShape s = x.Shape;
        int c = s.Channels, m = s.Height * s.Width;
        bool perChannel = scale.Shape != s;
        var value = new double[x.Value.Length];
        var bound = new double[value.Length];
        var magnitude = new double[value.Length];
        for (int i = 0; i < value.Length; i++)
        {
            int k = perChannel ? i / (m * c) * c + i % c : i;
            double xv = x.Value[i], sv = scale.Value[k], ex = x.Bound[i], es = scale.Bound[k];
            value[i] = xv * sv;
            bound[i] = ex * Math.Abs(sv) + (Math.Abs(xv) + ex) * es + u * (Math.Abs(xv) + ex) * (Math.Abs(sv) + es);
            magnitude[i] = x.Magnitude[i] * scale.Magnitude[k];
        }
        return [new ReferenceTensor(s, value, bound, magnitude, x.RelativeBudget + scale.RelativeBudget + 2 * u)];
    }
}
