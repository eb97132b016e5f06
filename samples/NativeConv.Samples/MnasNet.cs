namespace NativeConv.Samples;

/// <summary>
/// MnasNet-A1 at depth multiplier 1.0 (Tan et al. 2019) from the state_dict of torchvision's <c>mnasnet1_0</c>:
/// a 3x3 stride-2 stem, a depthwise-separable layer, six stacks of MobileNet v2 inverted residuals (3x3 and 5x5
/// depthwise kernels, expansion 3 or 6, ReLU), a 1x1 convolution to 1280, the spatial mean and the classifier.
/// Every BatchNorm (eps 1e-5) is folded into the convolution before it; torchvision keeps the whole network in one
/// <c>layers</c> Sequential, so keys are numbered (layers.0 is the stem, layers.8 the first stack).
/// </summary>
public static class MnasNet
{
    /// <summary>torchvision's _stack arguments: output channels, depthwise kernel, first stride, expansion, repeats.</summary>
    private static readonly (int Out, int Kernel, int Stride, int Expansion, int Repeats)[] Stacks =
        [(24, 3, 2, 3, 3), (40, 5, 2, 3, 3), (80, 5, 2, 6, 3), (96, 3, 1, 6, 2), (192, 5, 2, 6, 4), (320, 3, 1, 6, 1)];

    /// <summary>
    /// The network: input "image" (N, 3, H, W), output "logits" (N, <paramref name="classes"/>, 1, 1). Every tensor of
    /// <paramref name="weights"/> is read and checked against its shape; a key left over is an error.
    /// </summary>
    public static NetworkGraph Build(IStateDict weights, int classes = 1000)
    {
        var reader = new StateDictReader(weights);
        var g = new GraphBuilder();
        Value image = g.Input("image", 3);
        Value x = reader.Conv("layers.0", "layers.1", new Conv2dSpec(3, 32, 3, stride: 2, padding: 1, bias: false, activation: Activation.ReLU)).AddTo(g, image);
        x = reader.Conv("layers.3", "layers.4", Conv2dSpec.Depthwise(32, 3, padding: 1, bias: false, activation: Activation.ReLU)).AddTo(g, x);
        x = reader.Conv("layers.6", "layers.7", Conv2dSpec.Pointwise(32, 16, bias: false)).AddTo(g, x);
        for (int s = 0; s < Stacks.Length; s++)
        {
            var (outChannels, kernel, stride, expansion, repeats) = Stacks[s];
            for (int r = 0; r < repeats; r++)
                x = InvertedResidual(reader, $"layers.{8 + s}.{r}", x.Channels, outChannels, kernel, r == 0 ? stride : 1, expansion).AddTo(g, x);
        }
        x = reader.Conv("layers.14", "layers.15", Conv2dSpec.Pointwise(Stacks[^1].Out, 1280, bias: false, Activation.ReLU)).AddTo(g, x);
        x = g.GlobalAveragePool(x, "mean");
        g.Output(reader.Linear("classifier.1", 1280, classes, Activation.None).AddTo(g, x), "logits");
        reader.EnsureAllUsed("MnasNet 1.0");
        return g.Build();
    }

    /// <summary>torchvision's _InvertedResidual: expand 1x1 + ReLU → depthwise k×k + ReLU → project 1x1 (linear), plus the input when the shape is kept.</summary>
    private static InvertedResidualBlock InvertedResidual(StateDictReader reader, string key, int inChannels, int outChannels, int kernel, int stride, int expansion)
    {
        int mid = inChannels * expansion;
        ConvBlock expand = reader.Conv($"{key}.layers.0", $"{key}.layers.1", Conv2dSpec.Pointwise(inChannels, mid, bias: false, Activation.ReLU));
        ConvBlock depthwise = reader.Conv($"{key}.layers.3", $"{key}.layers.4",
            Conv2dSpec.Depthwise(mid, kernel, stride: stride, padding: kernel / 2, bias: false, activation: Activation.ReLU));
        ConvBlock project = reader.Conv($"{key}.layers.6", $"{key}.layers.7", Conv2dSpec.Pointwise(mid, outChannels, bias: false));
        return new InvertedResidualBlock(key, expand, depthwise, project);
    }
}
