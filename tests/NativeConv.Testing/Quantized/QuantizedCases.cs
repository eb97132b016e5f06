namespace NativeConv.Testing;

/// <summary>
/// The seeded int8 conformance set: depthwise (multiplier 1 and 2, k3/k5, strides 1/2, dilation), pointwise,
/// grouped and full convolutions, every padding mode, both layouts, uint8 and int8 activations, zero points
/// at the ends of their ranges and in between, activations None / ReLU / ReLU6 / clamp. The output scale is
/// drawn so typical accumulators map to about ±60 steps, some saturating.
/// </summary>
public static class QuantizedCases
{
    public const int Count = 520;
    private const long MaxMacs = 1_000_000;
    private static readonly int[] Channels = [1, 3, 4, 8, 16, 17, 24, 32, 64];
    private static readonly int[] Sizes = [1, 2, 3, 5, 7, 8, 13, 14, 16, 28];

    public static IReadOnlyList<QuantizedCase> All { get; } = Generate();

    private static List<QuantizedCase> Generate()
    {
        var r = new Random(20261130);
        var cases = new List<QuantizedCase>();
        while (cases.Count < Count)
            if (TryDraw(r, cases.Count) is { } c) cases.Add(c);
        return cases;
    }

    private static QuantizedCase? TryDraw(Random r, int index)
    {
        int kind = r.Next(4); // 0, 1 depthwise; 2 pointwise; 3 grouped or full
        int k = new[] { 1, 3, 5 }[r.Next(3)];
        int stride = 1 + r.Next(2), dilation = r.Next(5) == 0 ? 2 : 1;
        int ek = (k - 1) * dilation + 1;
        Padding2D padding = r.Next(4) switch
        {
            0 => Padding2D.Same,
            1 => Padding2D.Valid,
            2 => Padding2D.Symmetric(r.Next(ek)),
            _ => Padding2D.Explicit(r.Next(ek), r.Next(ek), r.Next(ek), r.Next(ek)),
        };
        Activation activation = r.Next(4) switch
        {
            0 => Activation.None,
            1 => Activation.ReLU,
            2 => Activation.ReLU6,
            _ => Activation.Clamp(-(float)(r.NextDouble() * 4), (float)(r.NextDouble() * 4)),
        };
        int channels = Channels[r.Next(Channels.Length)];
        bool bias = r.Next(4) != 0;
        Conv2dSpec spec;
        try
        {
            spec = kind switch
            {
                0 or 1 => Conv2dSpec.Depthwise(channels, k, multiplier: 1 + (r.Next(4) == 0 ? 1 : 0), stride: stride, padding: padding, dilation: dilation, bias: bias, activation: activation),
                2 => Conv2dSpec.Pointwise(channels, Channels[r.Next(Channels.Length)], bias, activation),
                _ => new Conv2dSpec(channels, channels * (1 + r.Next(2)), k, stride, padding, dilation, groups: r.Next(2) == 0 ? 1 : GroupsOf(channels, r), bias: bias, activation: activation),
            };
        }
        catch (ArgumentException)
        {
            return null;
        }
        int h = Sizes[r.Next(Sizes.Length)], w = r.Next(3) == 0 ? Sizes[r.Next(Sizes.Length)] : h, batch = 1 + r.Next(2);
        try
        {
            if (spec.MultiplyAccumulates(batch, h, w) > MaxMacs) return null;
        }
        catch (ArgumentException)
        {
            return null;
        }
        bool unsigned = r.Next(2) == 0;
        int lo = unsigned ? 0 : -128, hi = unsigned ? 255 : 127;
        int ZeroPoint() => r.Next(5) switch { 0 => lo, 1 => hi, 2 => unsigned ? 128 : 0, _ => r.Next(lo, hi + 1) };
        float inputScale = (float)(0.002 + r.NextDouble() * 0.05);
        float weightScale = (float)(0.0005 + r.NextDouble() * 0.01);
        // Accumulators have a spread near sqrt(n) · 74 · 73 (uniform bytes about the zero point times uniform weights).
        double typical = Math.Sqrt(spec.WeightsPerOutputChannel) * 74 * 73 * inputScale * weightScale;
        float outputScale = (float)(typical / 60 * (0.5 + r.NextDouble()));
        var layout = r.Next(2) == 0 ? TensorLayout.Nchw : TensorLayout.Nhwc;
        // An activation clamps from its floor (the zero point for ReLU) up: an output zero point at the top of the
        // range would leave a single value, so those take the lower half (the input's still reaches both ends).
        int outputZero = activation.Kind == ActivationKind.None ? ZeroPoint() : r.Next(2) == 0 ? lo : r.Next(lo, (lo + hi) / 2 + 1);
        var output = new QuantizationParameters(outputScale, outputZero);
        var (qmin, qmax) = Requantization.Range(activation, output, lo, hi);
        if (qmax - qmin < 4) return null; // a clamp narrower than a few steps leaves nothing to compare
        return new QuantizedCase(index, spec, layout, batch, h, w, unsigned, new QuantizationParameters(inputScale, ZeroPoint()),
            output, weightScale);
    }

    private static int GroupsOf(int channels, Random r)
    {
        int[] divisors = Enumerable.Range(1, channels).Where(d => channels % d == 0).ToArray();
        return divisors[r.Next(divisors.Length)];
    }
}
