namespace NativeConv.Samples;

/// <summary>
/// ShuffleNet v2 x1.0 (Ma et al. 2018) from the state_dict of torchvision's <c>shufflenet_v2_x1_0</c>: a 3x3 stride-2
/// stem, a 3x3 stride-2 max pool, three stages of units that split the channels, run one half through
/// pointwise → depthwise 3x3 → pointwise, concatenate and shuffle them, a 1x1 convolution to 1024, the spatial mean
/// and the classifier. Every BatchNorm (eps 1e-5) is folded into the convolution before it.
/// </summary>
public static class ShuffleNetV2
{
    /// <summary>Units per stage (stage2, stage3, stage4).</summary>
    private static readonly int[] Repeats = [4, 8, 4];

    /// <summary>Output channels of the stem, of each stage and of conv5, for width 1.0.</summary>
    private static readonly int[] Widths = [24, 116, 232, 464, 1024];

    /// <summary>
    /// The network: input "image" (N, 3, H, W), output "logits" (N, <paramref name="classes"/>, 1, 1). Every tensor of
    /// <paramref name="weights"/> is read and checked against its shape; a key left over is an error.
    /// </summary>
    public static NetworkGraph Build(IStateDict weights, int classes = 1000)
    {
        var reader = new StateDictReader(weights);
        var g = new GraphBuilder();
        Value image = g.Input("image", 3);
        Value x = reader.Conv("conv1.0", "conv1.1", new Conv2dSpec(3, Widths[0], 3, stride: 2, padding: 1, bias: false, activation: Activation.ReLU)).AddTo(g, image);
        x = g.MaxPool2d(x, new Pool2dSpec(3, stride: 2, padding: 1), "maxpool");
        for (int stage = 0; stage < Repeats.Length; stage++)
            for (int unit = 0; unit < Repeats[stage]; unit++)
                x = Unit(g, reader, $"stage{stage + 2}.{unit}", x, Widths[stage + 1], unit == 0 ? 2 : 1);
        x = reader.Conv("conv5.0", "conv5.1", Conv2dSpec.Pointwise(Widths[^2], Widths[^1], bias: false, Activation.ReLU)).AddTo(g, x);
        x = g.GlobalAveragePool(x, "mean");
        g.Output(reader.Linear("fc", Widths[^1], classes, Activation.None).AddTo(g, x), "logits");
        reader.EnsureAllUsed("ShuffleNet v2 x1.0");
        return g.Build();
    }

    /// <summary>
    /// torchvision's InvertedResidual: stride 1 keeps the first half of the channels and transforms the second
    /// (branch2); stride 2 transforms the whole input twice (branch1: depthwise → pointwise; branch2). Then the halves
    /// are concatenated and shuffled in two groups so that the next unit's split mixes both.
    /// </summary>
    private static Value Unit(GraphBuilder g, StateDictReader reader, string key, Value x, int outChannels, int stride)
    {
        int half = outChannels / 2;
        Value kept, transformed;
        if (stride == 1)
        {
            IReadOnlyList<Value> halves = g.Split(x, 2, $"{key}.chunk");
            kept = halves[0];
            transformed = Branch2(g, reader, key, halves[1], half, stride);
        }
        else
        {
            Value dw = reader.Conv($"{key}.branch1.0", $"{key}.branch1.1", Conv2dSpec.Depthwise(x.Channels, 3, stride: stride, padding: 1, bias: false)).AddTo(g, x);
            kept = reader.Conv($"{key}.branch1.2", $"{key}.branch1.3", Conv2dSpec.Pointwise(x.Channels, half, bias: false, Activation.ReLU)).AddTo(g, dw);
            transformed = Branch2(g, reader, key, x, half, stride);
        }
        return g.ChannelShuffle(g.Concat([kept, transformed], $"{key}.cat"), 2, $"{key}.shuffle");
    }

    /// <summary>Pointwise + ReLU → depthwise 3x3 (no activation: ShuffleNet v2 keeps it linear) → pointwise + ReLU.</summary>
    private static Value Branch2(GraphBuilder g, StateDictReader reader, string key, Value x, int channels, int stride)
    {
        Value a = reader.Conv($"{key}.branch2.0", $"{key}.branch2.1", Conv2dSpec.Pointwise(x.Channels, channels, bias: false, Activation.ReLU)).AddTo(g, x);
        Value b = reader.Conv($"{key}.branch2.3", $"{key}.branch2.4", Conv2dSpec.Depthwise(channels, 3, stride: stride, padding: 1, bias: false)).AddTo(g, a);
        return reader.Conv($"{key}.branch2.5", $"{key}.branch2.6", Conv2dSpec.Pointwise(channels, channels, bias: false, Activation.ReLU)).AddTo(g, b);
    }
}
