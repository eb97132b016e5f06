namespace NativeConv.Testing;

/// <summary>One seeded transposed-convolution case: a spec, an input size and its data (run in both layouts).</summary>
public sealed record ConvTransposeCase(int Index, ConvTranspose2dSpec Spec, int Batch, int Height, int Width, bool IntegerData)
{
    /// <summary>Input, weights and bias, regenerated from the case index (nothing is stored).</summary>
    public (float[] Input, float[] Weights, float[] Bias) Data() => ConformanceCase.SeededData(Spec, 700_001 + Index, Batch, Height, Width, IntegerData);

    public override string ToString() => $"#{Index} {Spec} on {Batch}x{Spec.InChannels}x{Height}x{Width} {(IntegerData ? "int" : "float")}";
}

/// <summary>
/// The seeded transposed-convolution set: kernels 1–7 (some not square), strides 1–4, dilations 1–3, no, symmetric,
/// asymmetric and large (output-cropping) padding, output padding up to the stride or the dilation (including the
/// kind oneDNN and XNNPACK cannot take directly), one group, several, depthwise and depthwise with a channel multiplier,
/// channels 1–256, sizes 1–64, batch 1–3, every activation, with and without bias, integer-valued and random data.
/// Sizes are drawn so the reference stays fast (≤ 600k MACs a case).
/// </summary>
public static class ConvTransposeCases
{
    public const int Count = 320;
    private const long MaxMacs = 600_000;

    private static readonly int[] Channels = [1, 2, 3, 4, 5, 8, 16, 17, 24, 32, 64, 96, 128, 256];
    private static readonly int[] Sizes = [1, 2, 3, 4, 5, 7, 8, 9, 13, 16, 23, 32, 64];

    public static IReadOnlyList<ConvTransposeCase> All { get; } = Generate();

    private static List<ConvTransposeCase> Generate()
    {
        var cases = new List<ConvTransposeCase>();
        void Add(ConvTranspose2dSpec spec, int batch, int height, int width, bool integer) => cases.Add(new(cases.Count, spec, batch, height, width, integer));
        // The corners first: 1 channel on 1x1; 256 depthwise channels; a 2x upsampling of a 64x64 map (kernel = stride);
        // output padding a whole stride past the full output (stride 1, dilation 3); a grouped non-square everything;
        // a multiplier with dilation; strides wider than the kernel (rows nothing lands on); padding cropping most of the output.
        Add(ConvTranspose2dSpec.Depthwise(1, 3, stride: 2, padding: 1, outputPadding: 1), 1, 1, 1, true);
        Add(ConvTranspose2dSpec.Depthwise(256, 4, stride: 2, padding: 1, activation: Activation.ReLU6), 1, 8, 8, false);
        Add(new ConvTranspose2dSpec(8, 4, 2, stride: 2, activation: Activation.ReLU), 1, 64, 64, true);
        Add(new ConvTranspose2dSpec(16, 8, 3, dilation: 3, outputPadding: 2), 2, 5, 6, true);
        Add(new ConvTranspose2dSpec(24, 12, new Size2D(3, 5), stride: new Size2D(2, 3), padding: Padding2D.Explicit(1, 2, 0, 3),
            outputPadding: new OutputPadding2D(1, 2), groups: 4, activation: Activation.HardSwish), 2, 7, 5, false);
        Add(ConvTranspose2dSpec.Depthwise(17, 5, multiplier: 3, stride: 3, padding: Padding2D.Explicit(0, 4, 3, 1), outputPadding: 2,
            dilation: 2, activation: Activation.Clamp(-2, 5)), 1, 9, 4, true);
        Add(new ConvTranspose2dSpec(5, 7, 2, stride: 4, bias: true, activation: Activation.HardSigmoid), 3, 4, 3, false);
        Add(new ConvTranspose2dSpec(3, 2, 7, padding: 6), 1, 9, 13, true);
        var random = new Random(20261207);
        while (cases.Count < Count)
        {
            ConvTransposeCase? c = TryDraw(random, cases.Count);
            if (c is not null) cases.Add(c);
        }
        return cases;
    }

    private static ConvTransposeCase? TryDraw(Random r, int index)
    {
        int kind = r.Next(4); // 0 one group; 1 several groups; 2 depthwise; 3 depthwise with a multiplier
        int kh = 1 + r.Next(7), kw = r.Next(4) == 0 ? 1 + r.Next(7) : kh;
        int sh = 1 + r.Next(4), sw = r.Next(4) == 0 ? 1 + r.Next(4) : sh;
        int dh = 1 + r.Next(3), dw = r.Next(4) == 0 ? 1 + r.Next(3) : dh;
        int ekh = (kh - 1) * dh + 1, ekw = (kw - 1) * dw + 1;
        int Pad(int effective) => r.Next(8) == 0 ? r.Next(effective + 4) : r.Next(effective); // sometimes past the kernel
        Padding2D padding = r.Next(3) switch
        {
            0 => Padding2D.Symmetric(0),
            1 => Padding2D.Symmetric(Pad(ekh), Pad(ekw)),
            _ => Padding2D.Explicit(Pad(ekh), Pad(ekw), Pad(ekh), Pad(ekw)),
        };
        var outputPadding = r.Next(3) == 0 ? new OutputPadding2D(0, 0) : new OutputPadding2D(r.Next(Math.Max(sh, dh)), r.Next(Math.Max(sw, dw)));
        bool bias = r.Next(3) != 0;
        bool integer = r.Next(2) == 0;
        Activation activation = ConformanceCases.DrawActivation(r);
        int channels = Channels[r.Next(Channels.Length)];
        var kernel = new Size2D(kh, kw);
        var stride = new Size2D(sh, sw);
        var dilation = new Size2D(dh, dw);
        ConvTranspose2dSpec spec;
        try
        {
            spec = kind switch
            {
                0 => new ConvTranspose2dSpec(channels, Channels[r.Next(Channels.Length)], kernel, stride, padding, outputPadding, dilation, 1, bias, activation),
                1 => Grouped(r, channels, kernel, stride, padding, outputPadding, dilation, bias, activation),
                2 => ConvTranspose2dSpec.Depthwise(channels, kernel, 1, stride, padding, outputPadding, dilation, bias, activation),
                _ => ConvTranspose2dSpec.Depthwise(channels, kernel, 2 + r.Next(2), stride, padding, outputPadding, dilation, bias, activation),
            };
        }
        catch (ArgumentException)
        {
            return null; // e.g. no group count between 1 and the channels
        }
        int h = Sizes[r.Next(Sizes.Length)], w = r.Next(3) == 0 ? Sizes[r.Next(Sizes.Length)] : h;
        int batch = 1 + r.Next(3);
        try
        {
            if (spec.MultiplyAccumulates(batch, h, w) > MaxMacs) return null;
        }
        catch (ArgumentException)
        {
            return null; // the padding crops the whole output
        }
        return new ConvTransposeCase(index, spec, batch, h, w, integer);
    }

    /// <summary>Several groups (neither one nor one per channel), 1–3 outputs per group.</summary>
    private static ConvTranspose2dSpec Grouped(Random r, int channels, Size2D kernel, Size2D stride, Padding2D padding, OutputPadding2D outputPadding,
        Size2D dilation, bool bias, Activation activation)
    {
        int[] divisors = Enumerable.Range(2, Math.Max(channels - 2, 0)).Where(d => channels % d == 0).ToArray();
        if (divisors.Length == 0) throw new ArgumentException($"{channels} channels have no group count between 1 and {channels}");
        int groups = divisors[r.Next(divisors.Length)];
        return new ConvTranspose2dSpec(channels, groups * (1 + r.Next(3)), kernel, stride, padding, outputPadding, dilation, groups, bias, activation);
    }
}
