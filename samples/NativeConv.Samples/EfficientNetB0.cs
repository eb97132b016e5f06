namespace NativeConv.Samples;

/// <summary>
/// EfficientNet-B0 (Tan and Le 2019) from the state_dict of torchvision's <c>efficientnet_b0</c>: a 3x3 stride-2 stem,
/// seven stages of MBConv blocks (1x1 expansion unless the ratio is 1, a 3x3 or 5x5 depthwise convolution, SiLU after
/// both, squeeze-and-excitation whose gate is a sigmoid, a linear 1x1 projection, plus the input when the shape is
/// kept), a 1x1 convolution to 1280 (SiLU), the spatial mean and the classifier. Every BatchNorm (torchvision's
/// default eps 1e-5 for B0) is folded into the convolution before it; stochastic depth is the identity in eval mode.
/// </summary>
public static class EfficientNetB0
{
    /// <summary>torchvision's MBConvConfig per stage: expansion, depthwise kernel, first stride, output channels, repeats.</summary>
    private static readonly (int Expansion, int Kernel, int Stride, int Out, int Repeats)[] Stages =
        [(1, 3, 1, 16, 1), (6, 3, 2, 24, 2), (6, 5, 2, 40, 2), (6, 3, 2, 80, 3), (6, 5, 1, 112, 3), (6, 5, 2, 192, 4), (6, 3, 1, 320, 1)];

    /// <summary>
    /// The network: input "image" (N, 3, H, W), output "logits" (N, <paramref name="classes"/>, 1, 1). Every tensor of
    /// <paramref name="weights"/> is read and checked against its shape; a key left over is an error.
    /// </summary>
    public static NetworkGraph Build(IStateDict weights, int classes = 1000)
    {
        var reader = new StateDictReader(weights);
        var g = new GraphBuilder();
        Value image = g.Input("image", 3);
        Value x = reader.Conv("features.0.0", "features.0.1", new Conv2dSpec(3, 32, 3, stride: 2, padding: 1, bias: false, activation: Activation.SiLU)).AddTo(g, image);
        for (int s = 0; s < Stages.Length; s++)
        {
            var (expansion, kernel, stride, outChannels, repeats) = Stages[s];
            for (int r = 0; r < repeats; r++)
                x = MBConv(reader, $"features.{s + 1}.{r}", x.Channels, outChannels, kernel, r == 0 ? stride : 1, expansion).AddTo(g, x);
        }
        int last = 4 * Stages[^1].Out;
        x = reader.Conv($"features.{Stages.Length + 1}.0", $"features.{Stages.Length + 1}.1", Conv2dSpec.Pointwise(Stages[^1].Out, last, bias: false, Activation.SiLU)).AddTo(g, x);
        x = g.GlobalAveragePool(x, "avgpool");
        g.Output(reader.Linear("classifier.1", last, classes, Activation.None).AddTo(g, x), "logits");
        reader.EnsureAllUsed("EfficientNet-B0");
        return g.Build();
    }

    /// <summary>
    /// torchvision's MBConv: [expand 1x1 + SiLU] → depthwise k×k + SiLU → squeeze-and-excitation (mean → fc1 to a
    /// quarter of the block's input width + SiLU → fc2 + sigmoid → per-channel scale) → project 1x1, plus the input
    /// when the stride is 1 and the width kept. Its Sequential numbers the parts from 0, so without the expansion the
    /// depthwise convolution is block.0.
    /// </summary>
    private static BottleneckBlock MBConv(StateDictReader reader, string key, int inChannels, int outChannels, int kernel, int stride, int expansion)
    {
        int mid = inChannels * expansion, part = 0;
        ConvBlock? expand = expansion == 1 ? null
            : reader.Conv($"{key}.block.{part}.0", $"{key}.block.{part++}.1", Conv2dSpec.Pointwise(inChannels, mid, bias: false, Activation.SiLU));
        ConvBlock depthwise = reader.Conv($"{key}.block.{part}.0", $"{key}.block.{part++}.1",
            Conv2dSpec.Depthwise(mid, kernel, stride: stride, padding: (kernel - 1) / 2, bias: false, activation: Activation.SiLU));
        int squeeze = Math.Max(1, inChannels / 4);
        string se = $"{key}.block.{part++}";
        var excitation = new SqueezeExcitation(reader.Pointwise($"{se}.fc1", mid, squeeze, Activation.SiLU), reader.Pointwise($"{se}.fc2", squeeze, mid, Activation.Sigmoid));
        ConvBlock project = reader.Conv($"{key}.block.{part}.0", $"{key}.block.{part}.1", Conv2dSpec.Pointwise(mid, outChannels, bias: false));
        return new BottleneckBlock(key, expand, depthwise, excitation, project);
    }
}
