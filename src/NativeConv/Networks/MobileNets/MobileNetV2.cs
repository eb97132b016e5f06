namespace NativeConv;

/// <summary>torchvision's mobilenet_v2 (width 1.0): Sandler et al. 2018, Table 2; ReLU6, BatchNorm eps 1e-5.</summary>
internal static class MobileNetV2
{
    private const float Epsilon = 1e-5f;

    /// <summary>(expansion t, output channels c, repeats n, first stride s).</summary>
    private static readonly (int T, int C, int N, int S)[] Settings =
        [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1)];

    public static IReadOnlyList<NetworkBlock> Blocks(StateDictReader weights)
    {
        var blocks = new List<NetworkBlock> { weights.Conv("features.0.0", "features.0.1", MobileNets.Conv(3, 32, 3, 2, 1, Activation.ReLU6), Epsilon) };
        int input = 32, index = 1;
        foreach (var (t, c, n, s) in Settings)
        {
            for (int i = 0; i < n; i++, index++)
            {
                int stride = i == 0 ? s : 1, hidden = input * t;
                string key = $"features.{index}.conv";
                // torchvision numbers the parts: with expansion conv.0 (expand), conv.1 (depthwise), conv.2 + conv.3
                // (project + BatchNorm); without, conv.0 (depthwise), conv.1 + conv.2.
                int part = 0;
                ConvBlock? expand = t == 1 ? null
                    : weights.Conv($"{key}.{part}.0", $"{key}.{part++}.1", MobileNets.Conv(input, hidden, 1, 1, 1, Activation.ReLU6), Epsilon);
                ConvBlock depthwise = weights.Conv($"{key}.{part}.0", $"{key}.{part++}.1", MobileNets.Conv(hidden, hidden, 3, stride, hidden, Activation.ReLU6), Epsilon);
                ConvBlock project = weights.Conv($"{key}.{part}", $"{key}.{part + 1}", MobileNets.Conv(hidden, c, 1, 1, 1, Activation.None), Epsilon);
                blocks.Add(new InvertedResidualBlock($"features.{index}", expand, depthwise, project));
                input = c;
            }
        }
        blocks.Add(weights.Conv($"features.{index}.0", $"features.{index}.1", MobileNets.Conv(input, 1280, 1, 1, 1, Activation.ReLU6), Epsilon));
        blocks.Add(new GlobalAveragePoolBlock("avgpool", 1280));
        blocks.Add(weights.Linear("classifier.1", 1280, 1000, Activation.None));
        return blocks;
    }
}
