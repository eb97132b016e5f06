using Xunit;

namespace NativeConv.Tests;

/// <summary>Small seeded blocks and whole MobileNets (at a reduced input size), for the network tests.</summary>
internal static class NetworkCases
{
    public static readonly string[] Names =
    [
        "inverted residual t6 s1 (residual)", "inverted residual t1 s2", "bottleneck k5 SE HardSwish (residual)",
        "bottleneck k3 ReLU s2", "separable s2", "v1-body", "v1", "v2", "v3-small", "v3-large",
    ];

    /// <summary>Every case in both layouts: the theory data of tests that run one backend.</summary>
    public static TheoryData<string, TensorLayout> InBothLayouts()
    {
        var data = new TheoryData<string, TensorLayout>();
        foreach (string name in Names)
            foreach (TensorLayout layout in Enum.GetValues<TensorLayout>())
                data.Add(name, layout);
        return data;
    }

    /// <summary>The blocks, and the input size to run them at.</summary>
    public static (IReadOnlyList<NetworkBlock> Blocks, int Channels, int Size) Get(string name)
    {
        var weights = new RandomStateDict(name.Length * 7919);
        switch (name)
        {
            case "v1-body": return (MobileNets.Blocks(MobileNetModel.V1Body, weights), 32, 16);
            case "v1": return (MobileNets.Blocks(MobileNetModel.V1, weights), 3, 40);
            case "v2": return (MobileNets.Blocks(MobileNetModel.V2, weights), 3, 40);
            case "v3-small": return (MobileNets.Blocks(MobileNetModel.V3Small, weights), 3, 40);
            case "v3-large": return (MobileNets.Blocks(MobileNetModel.V3Large, weights), 3, 40);
        }
        var r = new Random(name.Length);
        ConvBlock Conv(string key, Conv2dSpec spec) => new(key, spec,
            Rand(r, spec.WeightCount, Math.Sqrt(3.0 / spec.WeightsPerOutputChannel)), Rand(r, spec.BiasCount, 0.1),
            new BatchNorm2d(Rand(r, spec.OutChannels, 0.3, 1), Rand(r, spec.OutChannels, 0.1), Rand(r, spec.OutChannels, 0.1), Rand(r, spec.OutChannels, 0.3, 1)));
        NetworkBlock block = name switch
        {
            "inverted residual t6 s1 (residual)" => new InvertedResidualBlock("ir", Conv("ir.expand", Pw(16, 96, Activation.ReLU6)),
                Conv("ir.dw", Dw(96, 3, 1, Activation.ReLU6)), Conv("ir.project", Pw(96, 16, Activation.None))),
            "inverted residual t1 s2" => new InvertedResidualBlock("ir", null, Conv("ir.dw", Dw(16, 3, 2, Activation.ReLU6)), Conv("ir.project", Pw(16, 24, Activation.None))),
            "bottleneck k5 SE HardSwish (residual)" => new BottleneckBlock("bn", Conv("bn.expand", Pw(24, 72, Activation.HardSwish)),
                Conv("bn.dw", Dw(72, 5, 1, Activation.HardSwish)),
                new SqueezeExcitation(Conv("bn.fc1", Pw(72, 24, Activation.ReLU, bias: true)), Conv("bn.fc2", Pw(24, 72, Activation.HardSigmoid, bias: true))),
                Conv("bn.project", Pw(72, 24, Activation.None))),
            "bottleneck k3 ReLU s2" => new BottleneckBlock("bn", Conv("bn.expand", Pw(16, 64, Activation.ReLU)), Conv("bn.dw", Dw(64, 3, 2, Activation.ReLU)), null,
                Conv("bn.project", Pw(64, 24, Activation.None))),
            "separable s2" => new SeparableBlock("sep", Conv("sep.dw", Dw(16, 3, 2, Activation.ReLU6)), Conv("sep.pw", Pw(16, 32, Activation.ReLU6))),
            _ => throw new ArgumentException(name),
        };
        return ([block], block.InChannels, 13);
    }

    private static Conv2dSpec Pw(int cin, int cout, Activation activation, bool bias = false) => Conv2dSpec.Pointwise(cin, cout, bias, activation);

    private static Conv2dSpec Dw(int channels, int kernel, int stride, Activation activation) =>
        Conv2dSpec.Depthwise(channels, kernel, stride: stride, padding: (kernel - 1) / 2, bias: false, activation: activation);

    public static float[] Rand(Random r, int n, double scale, double offset = 0) =>
        Enumerable.Range(0, n).Select(_ => (float)(offset + (r.NextDouble() * 2 - 1) * scale)).ToArray();
}
