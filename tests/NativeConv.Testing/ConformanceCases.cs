namespace NativeConv.Testing;

/// <summary>
/// The seeded conformance set: kernels 1/3/5/7, stride 1/2, dilation 1/2, symmetric, asymmetric,
/// Same and Valid padding, channel multiplier 1/2, channels including 1, 3, 7, 17, 32 and 1024,
/// batch 1–4, spatial sizes 1x1 to 112x112, both layouts, every activation, with and without bias,
/// integer-valued and random data. Sizes are drawn so the reference stays fast (≤ 2M MACs a case).
/// </summary>
public static class ConformanceCases
{
    public const int Count = 520;
    private const long MaxMacs = 2_000_000;

    private static readonly int[] Channels = [1, 2, 3, 4, 7, 8, 16, 17, 24, 32, 64, 1024];
    private static readonly int[] Sizes = [1, 2, 3, 4, 5, 7, 8, 13, 14, 16, 28, 31, 56, 112];
    private static readonly int[] Kernels = [1, 3, 5, 7];

    public static IReadOnlyList<ConformanceCase> All { get; } = Generate();

    private static List<ConformanceCase> Generate()
    {
        var random = new Random(20261123);
        var cases = new List<ConformanceCase>();
        // A few fixed shapes first, so the corners are always covered: 1 channel, 1x1 input, 1024 channels, 112x112.
        cases.Add(new(cases.Count, Conv2dSpec.Depthwise(1, 3, padding: 1), TensorLayout.Nchw, 1, 1, 1, true));
        cases.Add(new(cases.Count, Conv2dSpec.Depthwise(1024, 3, padding: 1, activation: Activation.ReLU6), TensorLayout.Nhwc, 1, 7, 7, false));
        cases.Add(new(cases.Count, Conv2dSpec.Depthwise(32, 3, padding: 1, activation: Activation.ReLU), TensorLayout.Nhwc, 1, 112, 112, true));
        cases.Add(new(cases.Count, Conv2dSpec.Pointwise(1024, 17, activation: Activation.HardSwish), TensorLayout.Nchw, 1, 7, 7, false));
        while (cases.Count < Count)
        {
            ConformanceCase? c = TryDraw(random, cases.Count);
            if (c is not null) cases.Add(c);
        }
        return cases;
    }

    private static ConformanceCase? TryDraw(Random r, int index)
    {
        int kind = r.Next(4); // 0,1 depthwise; 2 pointwise; 3 grouped/general
        int k = Kernels[r.Next(Kernels.Length)];
        int kw = r.Next(5) == 0 ? Kernels[r.Next(Kernels.Length)] : k; // sometimes non-square
        int stride = 1 + r.Next(2), dilation = 1 + r.Next(2);
        var kernel = new Size2D(k, kw);
        int ekh = (k - 1) * dilation + 1, ekw = (kw - 1) * dilation + 1;
        Padding2D padding = r.Next(4) switch
        {
            0 => Padding2D.Same,
            1 => Padding2D.Valid,
            2 => Padding2D.Symmetric(r.Next(ekh), r.Next(ekw)),
            _ => Padding2D.Explicit(r.Next(ekh), r.Next(ekw), r.Next(ekh), r.Next(ekw)),
        };
        bool bias = r.Next(3) != 0;
        bool integer = r.Next(2) == 0;
        Activation activation = DrawActivation(r);
        int channels = Channels[r.Next(Channels.Length)];
        Conv2dSpec spec;
        try
        {
            spec = kind switch
            {
                0 or 1 => Conv2dSpec.Depthwise(channels, kernel, multiplier: 1 + r.Next(2), stride: stride, padding: padding,
                    dilation: dilation, bias: bias, activation: activation),
                2 => Conv2dSpec.Pointwise(channels, Channels[r.Next(Channels.Length)], bias, activation),
                _ => General(r, channels, kernel, stride, padding, dilation, bias, activation),
            };
        }
        catch (ArgumentException)
        {
            return null; // e.g. groups not dividing the drawn channels
        }
        int h = Sizes[r.Next(Sizes.Length)], w = r.Next(3) == 0 ? Sizes[r.Next(Sizes.Length)] : h;
        int batch = 1 + r.Next(4);
        var layout = r.Next(2) == 0 ? TensorLayout.Nchw : TensorLayout.Nhwc;
        try
        {
            if (spec.MultiplyAccumulates(batch, h, w) > MaxMacs) return null;
        }
        catch (ArgumentException)
        {
            return null; // kernel larger than the padded input
        }
        return new ConformanceCase(index, spec, layout, batch, h, w, integer);
    }

    /// <summary>One of every activation, equally likely; a clamp's bounds are integers, which keep integer cases exact.</summary>
    public static Activation DrawActivation(Random r) => r.Next(10) switch
    {
        0 => Activation.None,
        1 => Activation.ReLU,
        2 => Activation.ReLU6,
        3 => Activation.HardSwish,
        4 => Activation.HardSigmoid,
        5 => Activation.Sigmoid,
        6 => Activation.SiLU,
        7 => Activation.GELU,
        8 => Activation.Tanh,
        _ => Activation.Clamp(-r.Next(1, 5), r.Next(0, 9)),
    };

    private static Conv2dSpec General(Random r, int channels, Size2D kernel, int stride, Padding2D padding, int dilation, bool bias, Activation activation)
    {
        int[] divisors = Enumerable.Range(1, channels).Where(d => channels % d == 0).ToArray();
        int groups = divisors[r.Next(divisors.Length)];
        int outChannels = groups * (1 + r.Next(4));
        return new Conv2dSpec(channels, outChannels, kernel, stride, padding, dilation, groups, bias, activation);
    }
}
