namespace NativeConv;

internal sealed partial class ConvTransposeOp
{
    /// <summary>
    /// The transposed convolution in double, gathered per output (the reference backend scatters: an independent form),
    /// with the convolution's bound: n = (in/groups)·kh·kw + 1 terms at most, A = Σ|w|·(|x| + E) + |b|,
    /// E' = Σ|w|·E + 2·n·(u + u_double)·A, then the activation's (the first-order magnitude and budget through a smooth one
    /// as <see cref="ReferenceActivation.Magnitude"/> says).
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
        int icg = Spec.InChannelsPerGroup, ocg = Spec.OutChannelsPerGroup, kh = Spec.Kernel.Height, kw = Spec.Kernel.Width;
        int cin = x.Shape.Channels, cout = Spec.OutChannels;
        double accumulation = 2.0 * (icg * kh * kw + 1) * (u + ReferenceContext.UDouble) + context.ProductRounding;
        for (int n = 0; n < g.Batch; n++)
        for (int oy = 0; oy < g.OutHeight; oy++)
        for (int ox = 0; ox < g.OutWidth; ox++)
        for (int oc = 0; oc < cout; oc++)
        {
            int group = oc / ocg, o = oc % ocg;
            double bias = Spec.HasBias ? Bias[oc] : 0, pre = bias, propagated = 0, a = Math.Abs(bias), m = Math.Abs(bias);
            for (int ky = 0; ky < kh; ky++)
            {
                int ty = oy + g.PadTop - ky * Spec.Dilation.Height; // = iy·stride where an input row lands here
                if (ty < 0 || ty % Spec.Stride.Height != 0 || ty / Spec.Stride.Height >= x.Shape.Height) continue;
                int iy = ty / Spec.Stride.Height;
                for (int kx = 0; kx < kw; kx++)
                {
                    int tx = ox + g.PadLeft - kx * Spec.Dilation.Width;
                    if (tx < 0 || tx % Spec.Stride.Width != 0 || tx / Spec.Stride.Width >= x.Shape.Width) continue;
                    int ix = tx / Spec.Stride.Width;
                    for (int i = 0; i < icg; i++)
                    {
                        int ic = group * icg + i;
                        int xi = ((n * x.Shape.Height + iy) * x.Shape.Width + ix) * cin + ic;
                        double w = Weights[((ic * ocg + o) * kh + ky) * kw + kx], wAbs = Math.Abs(w);
                        pre += w * x.Value[xi];
                        m += wAbs * Math.Abs(x.Value[xi]);
                        propagated += wAbs * x.Bound[xi];
                        a += wAbs * (Math.Abs(x.Value[xi]) + x.Bound[xi]);
                    }
                }
            }
            int at = ((n * g.OutHeight + oy) * g.OutWidth + ox) * cout + oc;
            ReferenceActivation.Apply(Spec.Activation, pre, propagated + accumulation * a, out value[at], out bound[at]);
            magnitude[at] = ReferenceActivation.Magnitude(Spec.Activation, m, value[at]);
        }
        return [new ReferenceTensor(shape, value, bound, magnitude, x.RelativeBudget + accumulation + ReferenceActivation.FusedRounding(Spec.Activation))];
    }
}
