namespace NativeConv;

/// <summary>
/// Whole MobileNets from a PyTorch state_dict under torchvision's names (v1: build/peers/mobilenet_v1.py,
/// which names it the same way): stem convolution, every block, the last 1x1, global average pool and the
/// classifier (linear layers as 1x1 convolutions on 1x1 maps). BatchNorms are folded; dropout is an
/// identity at inference. Padding is PyTorch's explicit (k − 1) / 2, not Same.
/// </summary>
public static class MobileNets
{
    /// <summary>The CLI's names: v1, v1-body, v2, v3-small, v3-large.</summary>
    public static MobileNetModel Parse(string name) => name switch
    {
        "v1" => MobileNetModel.V1,
        "v1-body" => MobileNetModel.V1Body,
        "v2" => MobileNetModel.V2,
        "v3-small" => MobileNetModel.V3Small,
        "v3-large" => MobileNetModel.V3Large,
        _ => throw new ArgumentException($"unknown model '{name}' (known: v1, v1-body, v2, v3-small, v3-large)", nameof(name)),
    };

    public static string NameOf(MobileNetModel model) => model switch
    {
        MobileNetModel.V1 => "v1",
        MobileNetModel.V1Body => "v1-body",
        MobileNetModel.V2 => "v2",
        MobileNetModel.V3Small => "v3-small",
        MobileNetModel.V3Large => "v3-large",
        _ => throw new ArgumentOutOfRangeException(nameof(model), model, null),
    };

    /// <summary>The input a model is defined at: (3, 224, 224), or (32, 112, 112) for the v1 body.</summary>
    public static (int Channels, int Height, int Width) InputSize(MobileNetModel model) =>
        model == MobileNetModel.V1Body ? (32, 112, 112) : (3, 224, 224);

    /// <summary>The model's blocks with weights from <paramref name="weights"/>; every key must be used.</summary>
    public static IReadOnlyList<NetworkBlock> Blocks(MobileNetModel model, IStateDict weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        var reader = new StateDictReader(weights);
        IReadOnlyList<NetworkBlock> blocks = model switch
        {
            MobileNetModel.V1 => MobileNetV1.Blocks(reader, body: false),
            MobileNetModel.V1Body => MobileNetV1.Blocks(reader, body: true),
            MobileNetModel.V2 => MobileNetV2.Blocks(reader),
            MobileNetModel.V3Small => MobileNetV3.Blocks(reader, MobileNetV3.Small),
            MobileNetModel.V3Large => MobileNetV3.Blocks(reader, MobileNetV3.Large),
            _ => throw new ArgumentOutOfRangeException(nameof(model), model, null),
        };
        reader.EnsureAllUsed(NameOf(model));
        return blocks;
    }

    /// <summary>The model as a network on <paramref name="backends"/>, run as <paramref name="options"/> say (null: auto, float32, NCHW).</summary>
    public static ConvNetwork Create(MobileNetModel model, IStateDict weights, ConvBackends backends, NetworkOptions? options = null) =>
        new(Blocks(model, weights), backends, options);

    /// <summary>A k x k convolution with PyTorch's padding (k − 1) / 2 and no bias (a BatchNorm follows).</summary>
    internal static Conv2dSpec Conv(int inChannels, int outChannels, int kernel, int stride, int groups, Activation activation) =>
        new(inChannels, outChannels, kernel, stride, (kernel - 1) / 2, groups: groups, bias: false, activation: activation);
}
