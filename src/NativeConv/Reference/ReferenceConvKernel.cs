namespace NativeConv;

/// <summary>The reference convolution: one output at a time, every term accumulated in double.</summary>
internal sealed class ReferenceConvKernel(Conv2dSpec spec, TensorLayout layout, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias)
    : ConvKernel(spec, layout)
{
    private readonly float[] _weights = weights.ToArray();
    private readonly float[] _bias = bias.ToArray();

    public override string ImplementationName => ReferenceBackend.BackendName;

    protected override void ForwardCore(in ConvGeometry g, ReadOnlySpan<float> input, Span<float> output)
    {
        int icg = Spec.InChannelsPerGroup, ocg = Spec.OutChannelsPerGroup;
        int kh = Spec.Kernel.Height, kw = Spec.Kernel.Width;
        for (int n = 0; n < g.Batch; n++)
        for (int oc = 0; oc < Spec.OutChannels; oc++)
        for (int oy = 0; oy < g.OutHeight; oy++)
        for (int ox = 0; ox < g.OutWidth; ox++)
        {
            int group = oc / ocg;
            double sum = Spec.HasBias ? _bias[oc] : 0.0;
            for (int ic = 0; ic < icg; ic++)
            for (int ky = 0; ky < kh; ky++)
            for (int kx = 0; kx < kw; kx++)
            {
                int iy = oy * Spec.Stride.Height - g.PadTop + ky * Spec.Dilation.Height;
                int ix = ox * Spec.Stride.Width - g.PadLeft + kx * Spec.Dilation.Width;
                if (iy < 0 || iy >= g.InHeight || ix < 0 || ix >= g.InWidth) continue;
                float x = input[Index(Layout, n, group * icg + ic, iy, ix, g.InChannels, g.InHeight, g.InWidth)];
                float w = _weights[((oc * icg + ic) * kh + ky) * kw + kx];
                sum += (double)w * x;
            }
            output[Index(Layout, n, oc, oy, ox, g.OutChannels, g.OutHeight, g.OutWidth)] = (float)Spec.Activation.Apply(sum);
        }
    }

    internal static int Index(TensorLayout layout, int n, int c, int y, int x, int channels, int height, int width) =>
        layout == TensorLayout.Nchw
            ? ((n * channels + c) * height + y) * width + x
            : ((n * height + y) * width + x) * channels + c;
}
