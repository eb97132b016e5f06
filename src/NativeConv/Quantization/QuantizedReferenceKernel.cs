using System.Numerics;

namespace NativeConv;

/// <summary>
/// The exact reference: integer accumulation Σ (x − input zero point) · w + bias in int32 (padding counts as
/// the input zero point, i.e. adds nothing), then <see cref="Requantization"/> step by step.
/// </summary>
internal sealed class QuantizedReferenceKernel<T>(QuantizedConvWeights weights, QuantizationParameters input, QuantizationParameters output, TensorLayout layout)
    : QuantizedKernel<T>(weights, input, output, layout) where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T>
{
    private readonly float[] _multipliers = weights.Scales.ToArray().Select(s => Requantization.Multiplier(input.Scale, s, output.Scale)).ToArray();
    private readonly (int Min, int Max) _range = Requantization.Range(weights.Spec.Activation, output, int.CreateChecked(T.MinValue), int.CreateChecked(T.MaxValue));

    public override string ImplementationName => "reference (exact int32, XNNPACK's fp32 requantization)";

    protected override void ForwardCore(in ConvGeometry g, ReadOnlySpan<T> x, Span<T> y)
    {
        Conv2dSpec s = Spec;
        ReadOnlySpan<sbyte> w = Weights.Weights;
        ReadOnlySpan<int> bias = Weights.Bias;
        int icg = s.InChannelsPerGroup, ocg = s.OutChannelsPerGroup, kh = s.Kernel.Height, kw = s.Kernel.Width, zx = Input.ZeroPoint;
        for (int n = 0; n < g.Batch; n++)
        for (int oc = 0; oc < s.OutChannels; oc++)
        for (int oy = 0; oy < g.OutHeight; oy++)
        for (int ox = 0; ox < g.OutWidth; ox++)
        {
            int acc = s.HasBias ? bias[oc] : 0;
            for (int ic = 0; ic < icg; ic++)
            for (int ky = 0; ky < kh; ky++)
            for (int kx = 0; kx < kw; kx++)
            {
                int iy = oy * s.Stride.Height - g.PadTop + ky * s.Dilation.Height;
                int ix = ox * s.Stride.Width - g.PadLeft + kx * s.Dilation.Width;
                if (iy < 0 || iy >= g.InHeight || ix < 0 || ix >= g.InWidth) continue; // padding: the zero point, adds 0
                int xv = int.CreateTruncating(x[Index(n, oc / ocg * icg + ic, iy, ix, g.InChannels, g.InHeight, g.InWidth)]);
                acc = checked(acc + (xv - zx) * w[((oc * icg + ic) * kh + ky) * kw + kx]);
            }
            int q = Requantization.Apply(acc, _multipliers[oc], Output.ZeroPoint, _range.Min, _range.Max);
            y[Index(n, oc, oy, ox, g.OutChannels, g.OutHeight, g.OutWidth)] = T.CreateTruncating(q);
        }
    }

    private int Index(int n, int c, int y, int x, int channels, int height, int width) =>
        Layout == TensorLayout.Nchw ? ((n * channels + c) * height + y) * width + x : ((n * height + y) * width + x) * channels + c;
}
