using System.Numerics.Tensors;

namespace NativeConv;

internal sealed partial class ConvOp
{
    /// <summary>
    /// The convolution in double, and its bound: n = (in/groups)·kh·kw + 1 terms, A = Σ|w|·(|x| + E) + |b|,
    /// E' = Σ|w|·E + 2·n·(u + u_double)·A (+ u·A when folded from a BatchNorm, + the product rounding for bfloat16),
    /// then the activation's (<see cref="ReferenceActivation"/>). Magnitude Σ|w·x| + |b| (through a smooth activation as
    /// <see cref="ReferenceActivation.Magnitude"/> makes it); the relative budget grows by the same γ-term and the
    /// activation's own rounding.
    /// </summary>
    public override ReferenceTensor[] Reference(ReferenceTensor[] inputs, ReferenceContext context)
    {
        const double u = ReferenceContext.U;
        ReferenceTensor x = inputs[0];
        ConvGeometry g = Spec.Geometry(x.Shape.Batch, x.Shape.Height, x.Shape.Width);
        var shape = new TensorShape(g.Batch, g.OutChannels, g.OutHeight, g.OutWidth);
        var value = new double[shape.Length];
        var bound = new double[shape.Length];
        var magnitude = new double[shape.Length];
        double[] w = Weights.Select(v => (double)v).ToArray();
        double[] wAbs = w.Select(Math.Abs).ToArray();
        double[] b = Bias.Select(v => (double)v).ToArray();
        // |x| + E: the largest magnitude the computed input can have.
        var xMax = new double[x.Value.Length];
        for (int i = 0; i < xMax.Length; i++) xMax[i] = Math.Abs(x.Value[i]) + x.Bound[i];
        double[] xAbs = x.Value.Select(Math.Abs).ToArray();
        int icg = Spec.InChannelsPerGroup, ocg = Spec.OutChannelsPerGroup, kh = Spec.Kernel.Height, kw = Spec.Kernel.Width;
        int cin = x.Shape.Channels, cout = Spec.OutChannels, terms = icg * kh * kw + 1;
        double accumulation = 2.0 * terms * (u + ReferenceContext.UDouble) + (context.FoldedFromBatchNorm ? u : 0) + context.ProductRounding;
        for (int n = 0; n < g.Batch; n++)
        for (int oy = 0; oy < g.OutHeight; oy++)
        for (int ox = 0; ox < g.OutWidth; ox++)
        {
            int o0 = ((n * g.OutHeight + oy) * g.OutWidth + ox) * cout;
            if (Spec.IsPointwise)
            {
                int i0 = ((n * x.Shape.Height + oy) * x.Shape.Width + ox) * cin;
                ReadOnlySpan<double> xv = x.Value.AsSpan(i0, cin), xe = x.Bound.AsSpan(i0, cin), xm = xMax.AsSpan(i0, cin);
                for (int oc = 0; oc < cout; oc++)
                {
                    ReadOnlySpan<double> wr = w.AsSpan(oc * cin, cin), wa = wAbs.AsSpan(oc * cin, cin);
                    double bias = Spec.HasBias ? b[oc] : 0;
                    double pre = TensorPrimitives.Dot(wr, xv) + bias;
                    double a = TensorPrimitives.Dot(wa, xm) + Math.Abs(bias);
                    ReferenceActivation.Apply(Spec.Activation, pre, TensorPrimitives.Dot(wa, xe) + accumulation * a, out value[o0 + oc], out bound[o0 + oc]);
                    magnitude[o0 + oc] = ReferenceActivation.Magnitude(Spec.Activation, TensorPrimitives.Dot(wa, xAbs.AsSpan(i0, cin)) + Math.Abs(bias), value[o0 + oc]);
                }
                continue;
            }
            for (int oc = 0; oc < cout; oc++)
            {
                double bias = Spec.HasBias ? b[oc] : 0, pre = bias, propagated = 0, a = Math.Abs(bias), m = Math.Abs(bias);
                int group = oc / ocg;
                for (int ic = 0; ic < icg; ic++)
                for (int ky = 0; ky < kh; ky++)
                for (int kx = 0; kx < kw; kx++)
                {
                    int iy = oy * Spec.Stride.Height - g.PadTop + ky * Spec.Dilation.Height;
                    int ix = ox * Spec.Stride.Width - g.PadLeft + kx * Spec.Dilation.Width;
                    if (iy < 0 || iy >= x.Shape.Height || ix < 0 || ix >= x.Shape.Width) continue;
                    int xi = ((n * x.Shape.Height + iy) * x.Shape.Width + ix) * cin + group * icg + ic;
                    int wi = ((oc * icg + ic) * kh + ky) * kw + kx;
                    pre += w[wi] * x.Value[xi];
                    m += wAbs[wi] * xAbs[xi];
                    propagated += wAbs[wi] * x.Bound[xi];
                    a += wAbs[wi] * xMax[xi];
                }
                ReferenceActivation.Apply(Spec.Activation, pre, propagated + accumulation * a, out value[o0 + oc], out bound[o0 + oc]);
                magnitude[o0 + oc] = ReferenceActivation.Magnitude(Spec.Activation, m, value[o0 + oc]);
            }
        }
        return [new ReferenceTensor(shape, value, bound, magnitude, x.RelativeBudget + accumulation + ReferenceActivation.FusedRounding(Spec.Activation))];
    }
}
