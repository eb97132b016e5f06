namespace NativeConv.Samples;

/// <summary>
/// A U-Net-style segmentation network of depthwise-separable convolutions, from the state_dict of the torch module in
/// build/peers/separable_unet.py. The encoder halves the resolution four times (a 3x3 stem, then three separable
/// convolutions of stride 2), keeping each map as a skip; the decoder doubles it three times with a depthwise transposed
/// convolution (kernel 4, stride 2, padding 1, one group per channel), concatenates the skip of that resolution,
/// merges the two with a pointwise convolution and refines with a separable one; a 1x1 head gives the classes at half
/// resolution, resized bilinearly to the image's size. Every BatchNorm (eps 1e-5) is folded into the convolution before it.
/// </summary>
public static class SeparableUNet
{
    /// <summary>Channels of the stem's map and of each downsampling's, deepest last (the module's WIDTHS).</summary>
    private static readonly int[] Widths = [16, 24, 40, 80];

    /// <summary>
    /// The network: input "image" (N, 3, H, W) with H and W multiples of 16, output "classes" (N, <paramref name="classes"/>, H, W).
    /// Every tensor of <paramref name="weights"/> is read and checked against its shape; a key left over is an error.
    /// </summary>
    public static NetworkGraph Build(IStateDict weights, int classes = 5)
    {
        var reader = new StateDictReader(weights);
        var g = new GraphBuilder();
        Value image = g.Input("image", 3);
        var skips = new List<Value>
        {
            reader.Conv("encoder.stem.conv", "encoder.stem.bn", new Conv2dSpec(3, Widths[0], 3, stride: 2, padding: 1, bias: false, activation: Activation.ReLU)).AddTo(g, image),
        };
        for (int k = 1; k < Widths.Length; k++)
            skips.Add(Separable(reader, $"encoder.down{k}", Widths[k - 1], Widths[k], stride: 2).AddTo(g, skips[^1]));

        Value x = skips[^1];
        for (int k = Widths.Length - 1; k > 0; k--)
            x = UpStage(g, reader, $"decoder.up{k}", x, skips[k - 1]);
        Value head = reader.Conv("head", null, Conv2dSpec.Pointwise(Widths[0], classes)).AddTo(g, x);
        // F.interpolate(size=image's, mode="bilinear", align_corners=False): the image's size is known at each call.
        g.Output(g.ResizeLike(head, image, ResizeMode.Bilinear, ResizeCoordinates.HalfPixel, name: "upsample"), "classes");
        reader.EnsureAllUsed("the separable U-Net");
        return g.Build();
    }

    /// <summary>
    /// Twice the resolution by a depthwise transposed convolution (with its bias; no BatchNorm follows it), the skip
    /// concatenated after it, a pointwise merge to the skip's width, then a separable refinement.
    /// </summary>
    private static Value UpStage(GraphBuilder g, StateDictReader reader, string key, Value x, Value skip)
    {
        int c = x.Channels;
        var upsample = ConvTranspose2dSpec.Depthwise(c, 4, stride: 2, padding: 1);
        Value up = g.ConvTranspose2d(x, upsample, reader.Read($"{key}.upsample.weight", c, 1, 4, 4), reader.Read($"{key}.upsample.bias", c), $"{key}.upsample");
        Value joined = g.Concat([up, skip], $"{key}.cat");
        Value merged = reader.Conv($"{key}.merge", $"{key}.merge_bn", Conv2dSpec.Pointwise(joined.Channels, skip.Channels, bias: false, Activation.ReLU)).AddTo(g, joined);
        return Separable(reader, $"{key}.refine", skip.Channels, skip.Channels, stride: 1).AddTo(g, merged);
    }

    /// <summary>Depthwise 3x3 + BN + ReLU, pointwise + BN + ReLU (the module's Separable).</summary>
    private static SeparableBlock Separable(StateDictReader reader, string key, int inChannels, int outChannels, int stride) => new(key,
        reader.Conv($"{key}.depthwise", $"{key}.depthwise_bn", Conv2dSpec.Depthwise(inChannels, 3, stride: stride, padding: 1, bias: false, activation: Activation.ReLU)),
        reader.Conv($"{key}.pointwise", $"{key}.pointwise_bn", Conv2dSpec.Pointwise(inChannels, outChannels, bias: false, Activation.ReLU)));
}
