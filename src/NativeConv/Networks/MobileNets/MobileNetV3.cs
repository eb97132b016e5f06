namespace NativeConv;

/// <summary>
/// torchvision's mobilenet_v3_small and mobilenet_v3_large (width 1.0, no reduced tail, no dilation):
/// Howard et al. 2019, Tables 1 and 2 as torchvision configures them; BatchNorm eps 0.001.
/// </summary>
internal static class MobileNetV3
{
    private const float Epsilon = 1e-3f;

    /// <summary>One bottleneck: input, kernel, expanded and output channels, squeeze-and-excitation, HardSwish (else ReLU), stride.</summary>
    public readonly record struct Setting(int In, int Kernel, int Expanded, int Out, bool SqueezeExcite, bool HardSwish, int Stride);

    public sealed record Config(Setting[] Bottlenecks, int LastChannel);

    public static Config Small { get; } = new(
    [
        new(16, 3, 16, 16, true, false, 2), new(16, 3, 72, 24, false, false, 2), new(24, 3, 88, 24, false, false, 1),
        new(24, 5, 96, 40, true, true, 2), new(40, 5, 240, 40, true, true, 1), new(40, 5, 240, 40, true, true, 1),
        new(40, 5, 120, 48, true, true, 1), new(48, 5, 144, 48, true, true, 1), new(48, 5, 288, 96, true, true, 2),
        new(96, 5, 576, 96, true, true, 1), new(96, 5, 576, 96, true, true, 1),
    ], 1024);

    public static Config Large { get; } = new(
    [
        new(16, 3, 16, 16, false, false, 1), new(16, 3, 64, 24, false, false, 2), new(24, 3, 72, 24, false, false, 1),
        new(24, 5, 72, 40, true, false, 2), new(40, 5, 120, 40, true, false, 1), new(40, 5, 120, 40, true, false, 1),
        new(40, 3, 240, 80, false, true, 2), new(80, 3, 200, 80, false, true, 1), new(80, 3, 184, 80, false, true, 1),
        new(80, 3, 184, 80, false, true, 1), new(80, 3, 480, 112, true, true, 1), new(112, 3, 672, 112, true, true, 1),
        new(112, 5, 672, 160, true, true, 2), new(160, 5, 960, 160, true, true, 1), new(160, 5, 960, 160, true, true, 1),
    ], 1280);

    public static IReadOnlyList<NetworkBlock> Blocks(StateDictReader weights, Config config)
    {
        var blocks = new List<NetworkBlock> { weights.Conv("features.0.0", "features.0.1", MobileNets.Conv(3, 16, 3, 2, 1, Activation.HardSwish), Epsilon) };
        int index = 1;
        foreach (Setting b in config.Bottlenecks)
        {
            string key = $"features.{index++}.block";
            Activation activation = b.HardSwish ? Activation.HardSwish : Activation.ReLU;
            int part = 0;
            ConvBlock? expand = b.Expanded == b.In ? null
                : weights.Conv($"{key}.{part}.0", $"{key}.{part++}.1", MobileNets.Conv(b.In, b.Expanded, 1, 1, 1, activation), Epsilon);
            ConvBlock depthwise = weights.Conv($"{key}.{part}.0", $"{key}.{part++}.1", MobileNets.Conv(b.Expanded, b.Expanded, b.Kernel, b.Stride, b.Expanded, activation), Epsilon);
            SqueezeExcitation? se = null;
            if (b.SqueezeExcite)
            {
                int squeeze = MakeDivisible(b.Expanded / 4, 8);
                string seKey = $"{key}.{part++}";
                se = new SqueezeExcitation(weights.Pointwise($"{seKey}.fc1", b.Expanded, squeeze, Activation.ReLU),
                    weights.Pointwise($"{seKey}.fc2", squeeze, b.Expanded, Activation.HardSigmoid));
            }
            ConvBlock project = weights.Conv($"{key}.{part}.0", $"{key}.{part}.1", MobileNets.Conv(b.Expanded, b.Out, 1, 1, 1, Activation.None), Epsilon);
            blocks.Add(new BottleneckBlock($"features.{index - 1}", expand, depthwise, se, project));
        }
        int last = config.Bottlenecks[^1].Out, lastConv = 6 * last;
        blocks.Add(weights.Conv($"features.{index}.0", $"features.{index}.1", MobileNets.Conv(last, lastConv, 1, 1, 1, Activation.HardSwish), Epsilon));
        blocks.Add(new GlobalAveragePoolBlock("avgpool", lastConv));
        blocks.Add(weights.Linear("classifier.0", lastConv, config.LastChannel, Activation.HardSwish));
        blocks.Add(weights.Linear("classifier.3", config.LastChannel, 1000, Activation.None));
        return blocks;
    }

    /// <summary>torchvision's _make_divisible: the nearest multiple of <paramref name="divisor"/>, at least it, and not below 90% of v.</summary>
    internal static int MakeDivisible(int v, int divisor)
    {
        int rounded = Math.Max(divisor, (v + divisor / 2) / divisor * divisor);
        return rounded < 0.9 * v ? rounded + divisor : rounded;
    }
}
