namespace NativeConv.Testing;

/// <summary>Direct convolution, one output at a time, float accumulation in (ic, ky, kx) order.</summary>
internal sealed class FloatLoopKernel : ConvKernel
{
    private readonly float[] _weights;
    private readonly float[] _bias;

    public FloatLoopKernel(Conv2dSpec spec, TensorLayout layout, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias)
        : base(spec, layout)
    {
        _weights = weights.ToArray(); // the caller's spans are only borrowed
        _bias = bias.ToArray();
    }

    public override string ImplementationName => "float-loops:direct";

    protected override void ForwardCore(in ConvGeometry g, ReadOnlySpan<float> input, Span<float> output)
    {
        Conv2dSpec s = Spec;
        int icg = s.InChannelsPerGroup, ocg = s.OutChannelsPerGroup, kh = s.Kernel.Height, kw = s.Kernel.Width;
        for (int n = 0; n < g.Batch; n++)
        for (int oc = 0; oc < s.OutChannels; oc++)
        for (int oy = 0; oy < g.OutHeight; oy++)
        for (int ox = 0; ox < g.OutWidth; ox++)
        {
            float sum = s.HasBias ? _bias[oc] : 0f;
            for (int ic = 0; ic < icg; ic++)
            for (int ky = 0; ky < kh; ky++)
            for (int kx = 0; kx < kw; kx++)
            {
                int iy = oy * s.Stride.Height - g.PadTop + ky * s.Dilation.Height;
                int ix = ox * s.Stride.Width - g.PadLeft + kx * s.Dilation.Width;
                if (iy < 0 || iy >= g.InHeight || ix < 0 || ix >= g.InWidth) continue;
                sum += _weights[((oc * icg + ic) * kh + ky) * kw + kx] * input[Index(n, oc / ocg * icg + ic, iy, ix, g.InChannels, g.InHeight, g.InWidth)];
            }
            output[Index(n, oc, oy, ox, g.OutChannels, g.OutHeight, g.OutWidth)] = (float)s.Activation.Apply(sum);
        }
    }

    private int Index(int n, int c, int y, int x, int channels, int height, int width) =>
        Layout == TensorLayout.Nchw ? ((n * channels + c) * height + y) * width + x : ((n * height + y) * width + x) * channels + c;
}
