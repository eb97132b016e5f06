namespace NativeConv;

/// <summary>MobileNet v1 1.0 (Howard et al. 2017, Table 1), ReLU6 throughout, BatchNorm eps 1e-5.</summary>
internal static class MobileNetV1
{
    private const float Epsilon = 1e-5f;

    /// <summary>(input channels, output channels, depthwise stride) of the 13 separable blocks.</summary>
    private static readonly (int In, int Out, int Stride)[] Separable =
    [
        (32, 64, 1), (64, 128, 2), (128, 128, 1), (128, 256, 2), (256, 256, 1), (256, 512, 2),
        (512, 512, 1), (512, 512, 1), (512, 512, 1), (512, 512, 1), (512, 512, 1), (512, 1024, 2), (1024, 1024, 1),
    ];

    public static IReadOnlyList<NetworkBlock> Blocks(StateDictReader weights, bool body)
    {
        var blocks = new List<NetworkBlock>();
        if (!body) blocks.Add(weights.Conv("features.0.0", "features.0.1", MobileNets.Conv(3, 32, 3, 2, 1, Activation.ReLU6), Epsilon));
        for (int i = 0; i < Separable.Length; i++)
        {
            var (cin, cout, stride) = Separable[i];
            string key = $"features.{i + 1}";
            blocks.Add(new SeparableBlock(key,
                weights.Conv($"{key}.0", $"{key}.1", MobileNets.Conv(cin, cin, 3, stride, cin, Activation.ReLU6), Epsilon),
                weights.Conv($"{key}.3", $"{key}.4", MobileNets.Conv(cin, cout, 1, 1, 1, Activation.ReLU6), Epsilon)));
        }
        if (!body)
        {
            blocks.Add(new GlobalAveragePoolBlock("avgpool", 1024));
            blocks.Add(weights.Linear("classifier.1", 1024, 1000, Activation.None));
        }
        return blocks;
    }
}
