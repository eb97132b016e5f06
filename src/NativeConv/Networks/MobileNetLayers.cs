namespace NativeConv;

/// <summary>One depthwise or pointwise layer of a MobileNet body at 224x224, batch 1.</summary>
/// <param name="ReadsActivation">
/// Its input is a ReLU6 output in the network (non-negative: quantized to uint8, its zero point is 0); false
/// for v2's expansions and last layer, which read the linear projections.
/// </param>
public sealed record MobileNetLayer(string Model, string Name, Conv2dSpec Spec, int Size, int Count, bool ReadsActivation = true);

/// <summary>
/// The distinct depthwise (3x3) and pointwise (1x1) layers of MobileNet v1 (its 13 separable blocks)
/// and of MobileNet v2 (its inverted residual blocks), with how often each occurs.
/// </summary>
public static class MobileNetLayers
{
    public static IReadOnlyList<MobileNetLayer> V1 { get; } = BuildV1();

    public static IReadOnlyList<MobileNetLayer> V2 { get; } = BuildV2();

    private static List<MobileNetLayer> BuildV1()
    {
        // (input channels, output channels, depthwise stride, input size, repeats): Howard et al. 2017, Table 1.
        (int In, int Out, int Stride, int Size, int Repeat)[] blocks =
        [
            (32, 64, 1, 112, 1), (64, 128, 2, 112, 1), (128, 128, 1, 56, 1), (128, 256, 2, 56, 1),
            (256, 256, 1, 28, 1), (256, 512, 2, 28, 1), (512, 512, 1, 14, 5), (512, 1024, 2, 14, 1), (1024, 1024, 1, 7, 1),
        ];
        var layers = new List<MobileNetLayer>();
        int index = 1;
        foreach (var b in blocks)
        {
            string range = b.Repeat == 1 ? $"{index}" : $"{index}-{index + b.Repeat - 1}";
            int outSize = (b.Size - 1) / b.Stride + 1;
            layers.Add(new("v1", $"dw{range} {b.In}@{b.Size} s{b.Stride}",
                Conv2dSpec.Depthwise(b.In, 3, stride: b.Stride, padding: 1, activation: Activation.ReLU6), b.Size, b.Repeat));
            layers.Add(new("v1", $"pw{range} {b.In}->{b.Out}@{outSize}",
                Conv2dSpec.Pointwise(b.In, b.Out, activation: Activation.ReLU6), outSize, b.Repeat));
            index += b.Repeat;
        }
        return layers;
    }

    private static List<MobileNetLayer> BuildV2()
    {
        // (expansion t, output channels c, repeats n, first stride s): Sandler et al. 2018, Table 2.
        (int T, int C, int N, int S)[] settings = [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1)];
        var counts = new Dictionary<string, (Conv2dSpec Spec, int Size, int Count, bool ReadsActivation)>();
        var order = new List<string>();
        void Add(string name, Conv2dSpec spec, int size, bool readsActivation = true)
        {
            if (counts.TryGetValue(name, out var e)) counts[name] = e with { Count = e.Count + 1 };
            else
            {
                counts[name] = (spec, size, 1, readsActivation);
                order.Add(name);
            }
        }
        int inC = 32, size = 112;
        foreach (var (t, c, n, s) in settings)
        {
            for (int i = 0; i < n; i++)
            {
                int stride = i == 0 ? s : 1, hidden = inC * t, outSize = (size - 1) / stride + 1;
                if (t != 1) Add($"expand {inC}->{hidden}@{size}", Conv2dSpec.Pointwise(inC, hidden, activation: Activation.ReLU6), size, readsActivation: false);
                Add($"dw {hidden}@{size} s{stride}", Conv2dSpec.Depthwise(hidden, 3, stride: stride, padding: 1, activation: Activation.ReLU6), size);
                Add($"project {hidden}->{c}@{outSize}", Conv2dSpec.Pointwise(hidden, c), outSize);
                inC = c;
                size = outSize;
            }
        }
        Add($"pw {inC}->1280@{size}", Conv2dSpec.Pointwise(inC, 1280, activation: Activation.ReLU6), size, readsActivation: false);
        return order.Select(name => new MobileNetLayer("v2", name, counts[name].Spec, counts[name].Size, counts[name].Count, counts[name].ReadsActivation)).ToList();
    }
}
