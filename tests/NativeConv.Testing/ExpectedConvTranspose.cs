namespace NativeConv.Testing;

/// <summary>
/// An independent double-precision evaluation of a transposed convolution in the gather form (the reference scatters):
/// output (oy, ox) of channel oc sums, over its group's input channels and every kernel tap (ky, kx), the input at
/// ((oy + pad_top − ky·dilation) / stride, (ox + pad_left − kx·dilation) / stride) wherever both divide exactly and land
/// inside the input. Also returns, per output, what the error bound needs: the pre-activation value and Σ|w·x| + |b|.
/// </summary>
public static class ExpectedConvTranspose
{
    public static (double[] PreActivation, double[] AbsSum) Compute(ConvTranspose2dSpec spec, TensorLayout layout, ConvGeometry g,
        ReadOnlySpan<float> input, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias)
    {
        var result = (PreActivation: new double[g.OutputLength], AbsSum: new double[g.OutputLength]);
        int icg = spec.InChannelsPerGroup, ocg = spec.OutChannelsPerGroup, kh = spec.Kernel.Height, kw = spec.Kernel.Width, taps = kh * kw;
        for (int o = 0; o < g.OutputLength; o++)
        {
            var (n, oc, oy, ox) = Coordinates(layout, o, g.OutChannels, g.OutHeight, g.OutWidth);
            double b = spec.HasBias ? bias[oc] : 0;
            (result.PreActivation[o], result.AbsSum[o]) = (b, Math.Abs(b));
            // Every (input channel of the group, tap) pair once.
            for (int t = 0; t < icg * taps; t++)
            {
                int ic = oc / ocg * icg + t / taps, ky = t % taps / kw, kx = t % kw;
                int iy = Source(oy, g.PadTop, ky, spec.Stride.Height, spec.Dilation.Height, g.InHeight);
                int ix = Source(ox, g.PadLeft, kx, spec.Stride.Width, spec.Dilation.Width, g.InWidth);
                if (iy < 0 || ix < 0) continue;
                double term = (double)weights[((ic * ocg + oc % ocg) * kh + ky) * kw + kx]
                    * input[ExpectedConvolution.Index(layout, n, ic, iy, ix, g.InChannels, g.InHeight, g.InWidth)];
                result.PreActivation[o] += term;
                result.AbsSum[o] += Math.Abs(term);
            }
        }
        return result;
    }

    /// <summary>The (n, c, y, x) of a flat index in <paramref name="layout"/>.</summary>
    public static (int N, int C, int Y, int X) Coordinates(TensorLayout layout, int index, int channels, int height, int width) =>
        layout == TensorLayout.Nchw
            ? (index / (channels * height * width), index / (height * width) % channels, index / width % height, index % width)
            : (index / (height * width * channels), index % channels, index / (width * channels) % height, index / channels % width);

    /// <summary>The input position whose tap <paramref name="k"/> lands on <paramref name="position"/> of the output, or −1 when none does.</summary>
    private static int Source(int position, int padBefore, int k, int stride, int dilation, int inputSize)
    {
        int full = position + padBefore - k * dilation; // the position in the uncropped output
        return full >= 0 && full % stride == 0 && full / stride < inputSize ? full / stride : -1;
    }
}
