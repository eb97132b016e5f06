namespace NativeConv;

/// <summary>
/// The reference transposed convolution, by its definition (the scatter form): every input value times every weight
/// is added, in double, to the output position it lands on in the full output, (iy·stride + ky·dilation,
/// ix·stride + kx·dilation), moved up and left by the cropped padding; what lands outside the output is dropped, and
/// output rows and columns nothing lands on (output padding, strides wider than the kernel) keep the bias alone.
/// Then bias and activation, rounded to float once. Also what a backend without a transposed convolution of its own
/// runs (<see cref="ConvBackend.CreateTransposed"/>).
/// </summary>
internal static class ReferenceConvTranspose
{
    public static void Compute(ConvTranspose2dSpec spec, TensorLayout layout, in ConvGeometry g, ReadOnlySpan<float> input,
        ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, Span<float> output)
    {
        int icg = spec.InChannelsPerGroup, ocg = spec.OutChannelsPerGroup, kh = spec.Kernel.Height, kw = spec.Kernel.Width;
        var sums = new double[g.OutputLength]; // in the output's layout
        for (int n = 0; n < g.Batch; n++)
        for (int ic = 0; ic < spec.InChannels; ic++)
        for (int iy = 0; iy < g.InHeight; iy++)
        for (int ix = 0; ix < g.InWidth; ix++)
        {
            double x = input[ReferenceConvKernel.Index(layout, n, ic, iy, ix, g.InChannels, g.InHeight, g.InWidth)];
            for (int o = 0; o < ocg; o++)
            for (int ky = 0; ky < kh; ky++)
            for (int kx = 0; kx < kw; kx++)
            {
                int oy = iy * spec.Stride.Height + ky * spec.Dilation.Height - g.PadTop;
                int ox = ix * spec.Stride.Width + kx * spec.Dilation.Width - g.PadLeft;
                if (oy < 0 || oy >= g.OutHeight || ox < 0 || ox >= g.OutWidth) continue;
                int oc = ic / icg * ocg + o; // weights are (in, out/groups, kh, kw)
                sums[ReferenceConvKernel.Index(layout, n, oc, oy, ox, g.OutChannels, g.OutHeight, g.OutWidth)] +=
                    (double)weights[((ic * ocg + o) * kh + ky) * kw + kx] * x;
            }
        }
        for (int n = 0; n < g.Batch; n++)
        for (int oc = 0; oc < g.OutChannels; oc++)
        for (int oy = 0; oy < g.OutHeight; oy++)
        for (int ox = 0; ox < g.OutWidth; ox++)
        {
            int o = ReferenceConvKernel.Index(layout, n, oc, oy, ox, g.OutChannels, g.OutHeight, g.OutWidth);
            output[o] = (float)spec.Activation.Apply((spec.HasBias ? bias[oc] : 0.0) + sums[o]);
        }
    }
}
