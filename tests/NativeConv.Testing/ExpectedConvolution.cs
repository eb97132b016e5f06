namespace NativeConv.Testing;

/// <summary>
/// An independent double-precision evaluation of a convolution that also returns, per output, the
/// terms the error bounds need: the pre-activation value and Σ|w·x| + |b|.
/// </summary>
public static class ExpectedConvolution
{
    public static (double[] PreActivation, double[] AbsSum) Compute(Conv2dSpec spec, TensorLayout layout, ConvGeometry g,
        ReadOnlySpan<float> input, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias)
    {
        var value = new double[g.OutputLength];
        var abs = new double[g.OutputLength];
        int icg = spec.InChannelsPerGroup, ocg = spec.OutChannelsPerGroup, kh = spec.Kernel.Height, kw = spec.Kernel.Width;
        for (int n = 0; n < g.Batch; n++)
        for (int oc = 0; oc < g.OutChannels; oc++)
        for (int oy = 0; oy < g.OutHeight; oy++)
        for (int ox = 0; ox < g.OutWidth; ox++)
        {
            double b = spec.HasBias ? bias[oc] : 0;
            double sum = b, sumAbs = Math.Abs(b);
            for (int ic = 0; ic < icg; ic++)
            for (int ky = 0; ky < kh; ky++)
            for (int kx = 0; kx < kw; kx++)
            {
                int iy = oy * spec.Stride.Height - g.PadTop + ky * spec.Dilation.Height;
                int ix = ox * spec.Stride.Width - g.PadLeft + kx * spec.Dilation.Width;
                if (iy < 0 || iy >= g.InHeight || ix < 0 || ix >= g.InWidth) continue;
                double term = (double)weights[((oc * icg + ic) * kh + ky) * kw + kx]
                    * input[Index(layout, n, oc / ocg * icg + ic, iy, ix, g.InChannels, g.InHeight, g.InWidth)];
                sum += term;
                sumAbs += Math.Abs(term);
            }
            int o = Index(layout, n, oc, oy, ox, g.OutChannels, g.OutHeight, g.OutWidth);
            value[o] = sum;
            abs[o] = sumAbs;
        }
        return (value, abs);
    }

    public static int Index(TensorLayout layout, int n, int c, int y, int x, int channels, int height, int width) =>
        layout == TensorLayout.Nchw ? ((n * channels + c) * height + y) * width + x : ((n * height + y) * width + x) * channels + c;
}
