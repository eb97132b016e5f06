namespace NativeConv.Testing;

/// <summary>
/// ShuffleNet v2's building block (torchvision's <c>InvertedResidual</c>, BatchNorms folded into the convolutions'
/// biases) on a <see cref="GraphBuilder"/>, with random weights: stride 1 splits the channels in two halves, keeps one
/// and runs the other through pointwise → depthwise 3x3 → pointwise; stride 2 runs the whole input through two branches.
/// Either way the two halves are joined along channels and shuffled in two groups.
/// </summary>
public static class ShuffleNetUnit
{
    public static Value Add(GraphBuilder g, Value x, int outChannels, int stride, Random random, string name)
    {
        int half = outChannels / 2;
        Value kept, branch;
        if (stride == 1)
        {
            IReadOnlyList<Value> halves = g.Split(x, 2, $"{name}.split");
            kept = halves[0];
            branch = Branch(g, halves[1], half, 1, random, $"{name}.branch2");
        }
        else
        {
            Value dw = Conv(g, x, Conv2dSpec.Depthwise(x.Channels, 3, stride: stride, padding: 1), random, $"{name}.branch1.0");
            kept = Conv(g, dw, Conv2dSpec.Pointwise(x.Channels, half, activation: Activation.ReLU), random, $"{name}.branch1.2");
            branch = Branch(g, x, half, stride, random, $"{name}.branch2");
        }
        return g.ChannelShuffle(g.Concat([kept, branch], $"{name}.cat"), 2, $"{name}.shuffle");
    }

    private static Value Branch(GraphBuilder g, Value x, int channels, int stride, Random random, string name)
    {
        Value a = Conv(g, x, Conv2dSpec.Pointwise(x.Channels, channels, activation: Activation.ReLU), random, $"{name}.0");
        Value b = Conv(g, a, Conv2dSpec.Depthwise(channels, 3, stride: stride, padding: 1), random, $"{name}.3");
        return Conv(g, b, Conv2dSpec.Pointwise(channels, channels, activation: Activation.ReLU), random, $"{name}.5");
    }

    private static Value Conv(GraphBuilder g, Value x, Conv2dSpec spec, Random random, string name)
    {
        float[] w = Enumerable.Range(0, spec.WeightCount).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        float[] b = Enumerable.Range(0, spec.BiasCount).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        return g.Conv2d(x, spec, w, b, name);
    }

    /// <summary>Two units as ShuffleNet v2's stages begin: one of stride 2 widening <paramref name="inChannels"/> to <paramref name="outChannels"/>, then one of stride 1.</summary>
    public static NetworkGraph Stage(int inChannels, int outChannels, int seed)
    {
        var random = new Random(seed);
        var g = new GraphBuilder();
        Value x = g.Input("x", inChannels);
        Value down = Add(g, x, outChannels, 2, random, "stage.0");
        g.Output(Add(g, down, outChannels, 1, random, "stage.1"), "y");
        return g.Build();
    }
}
