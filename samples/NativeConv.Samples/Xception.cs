namespace NativeConv.Samples;

/// <summary>
/// Xception (Chollet 2017, Fig. 5) from the state_dict of the torch module in build/peers/xception.py (torchvision has
/// none): an entry flow (two unpadded 3x3 convolutions, then three residual blocks of stride 2), a middle flow of eight
/// residual blocks of three separable convolutions at 728 channels, an exit flow (one more residual block of stride 2,
/// two separable convolutions to 1536 and 2048), the spatial mean and the classifier. A separable convolution is a
/// depthwise 3x3 and a pointwise 1x1 without biases, followed by a BatchNorm (eps 1e-5, folded into the pointwise
/// convolution). In a block the ReLU comes before each separable convolution; where the block's input is also its
/// residual, that ReLU is an operation of its own (the residual reads the value before it), elsewhere it is fused into
/// the convolution before it. A block of stride 2 ends in a 3x3 stride-2 max pool added to a 1x1 stride-2 convolution
/// of its input.
/// </summary>
public static class Xception
{
    /// <summary>
    /// The network: input "image" (N, 3, H, W), output "logits" (N, <paramref name="classes"/>, 1, 1). Every tensor of
    /// <paramref name="weights"/> is read and checked against its shape; a key left over is an error.
    /// </summary>
    public static NetworkGraph Build(IStateDict weights, int classes = 1000)
    {
        var reader = new StateDictReader(weights);
        var g = new GraphBuilder();
        Value image = g.Input("image", 3);
        Value x = reader.Conv("entry_flow.conv1", "entry_flow.bn1", new Conv2dSpec(3, 32, 3, stride: 2, bias: false, activation: Activation.ReLU)).AddTo(g, image);
        x = reader.Conv("entry_flow.conv2", "entry_flow.bn2", new Conv2dSpec(32, 64, 3, bias: false, activation: Activation.ReLU)).AddTo(g, x);
        x = Block(g, reader, "entry_flow.block1", x, 128, units: 2, stride: 2, reluFirst: false); // its input went through a ReLU already
        x = Block(g, reader, "entry_flow.block2", x, 256, units: 2, stride: 2);
        x = Block(g, reader, "entry_flow.block3", x, 728, units: 2, stride: 2);
        for (int b = 0; b < 8; b++)
            x = Block(g, reader, $"middle_flow.{b}", x, 728, units: 3, stride: 1);
        x = Block(g, reader, "exit_flow.block", x, 1024, units: 2, stride: 2, growFirst: false);
        x = Separable(reader, "exit_flow.separable1", "exit_flow.bn1", 1024, 1536, Activation.ReLU).AddTo(g, x);
        x = Separable(reader, "exit_flow.separable2", "exit_flow.bn2", 1536, 2048, Activation.ReLU).AddTo(g, x);
        x = g.GlobalAveragePool(x, "mean");
        g.Output(reader.Linear("fc", 2048, classes, Activation.None).AddTo(g, x), "logits");
        reader.EnsureAllUsed("Xception");
        return g.Build();
    }

    /// <summary>
    /// The module's XceptionBlock: <paramref name="units"/> × (ReLU → separable 3x3 → BatchNorm), widening in the first
    /// unit (or the last, when <paramref name="growFirst"/> is false); then, at stride 2, a 3x3 max pool (padding 1)
    /// plus a 1x1 stride-2 convolution + BatchNorm of the input; at stride 1 with the width kept, plus the input itself.
    /// </summary>
    private static Value Block(GraphBuilder g, StateDictReader reader, string key, Value x, int outChannels, int units, int stride,
        bool reluFirst = true, bool growFirst = true)
    {
        int inChannels = x.Channels;
        Value y = reluFirst ? g.Activation(x, Activation.ReLU, $"{key}.units.0.relu") : x;
        for (int k = 0; k < units; k++)
        {
            int from = growFirst ? (k == 0 ? inChannels : outChannels) : inChannels;
            int to = growFirst || k == units - 1 ? outChannels : inChannels;
            // The next unit's ReLU reads this unit's output alone: it is this pointwise convolution's activation.
            Activation after = k < units - 1 ? Activation.ReLU : Activation.None;
            y = Separable(reader, $"{key}.units.{k}.separable", $"{key}.units.{k}.bn", from, to, after).AddTo(g, y);
        }
        Value residual = x;
        if (stride != 1 || inChannels != outChannels)
        {
            y = g.MaxPool2d(y, new Pool2dSpec(3, stride: stride, padding: 1), $"{key}.pool");
            residual = reader.Conv($"{key}.shortcut.conv", $"{key}.shortcut.bn", new Conv2dSpec(inChannels, outChannels, 1, stride: stride, bias: false)).AddTo(g, x);
        }
        return g.Add(y, residual, name: $"{key} (residual)");
    }

    /// <summary>The module's SeparableConv2d (depthwise 3x3, padding 1, then pointwise) with the BatchNorm after it folded into the pointwise.</summary>
    private static SeparableBlock Separable(StateDictReader reader, string key, string batchNormKey, int inChannels, int outChannels, Activation activation) => new(key,
        reader.Conv($"{key}.depthwise", null, Conv2dSpec.Depthwise(inChannels, 3, padding: 1, bias: false)),
        reader.Conv($"{key}.pointwise", batchNormKey, Conv2dSpec.Pointwise(inChannels, outChannels, bias: false, activation)));
}
