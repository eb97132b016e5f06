namespace NativeConv;

public sealed partial class GraphBuilder
{
    /// <summary>
    /// A convolution (any groups, dilation, stride, padding) with its fused activation; weights in PyTorch order
    /// (out, in/groups, kh, kw), bias of out values or empty; a following BatchNorm folded in when given.
    /// </summary>
    public Value Conv2d(Value x, Conv2dSpec spec, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, string? name = null, BatchNorm2d? batchNorm = null)
    {
        int input = Read(x, nameof(x));
        ArgumentNullException.ThrowIfNull(spec);
        if (x.Channels != spec.InChannels)
            throw new ArgumentException($"'{name ?? "conv"}' ({spec}) takes (N, {spec.InChannels}, H, W), but {x} gives (N, {x.Channels}, H, W)", nameof(x));
        ConvArguments.CheckParameters(spec, weights, bias);
        Conv2dSpec folded = batchNorm is null ? spec : spec.WithBias(true);
        (float[] w, float[] b) = batchNorm is null ? (weights.ToArray(), bias.ToArray()) : batchNorm.Fold(spec, weights, bias);
        return AddOne(name, "conv", folded.OutChannels, (n, output) => new ConvOp(n, input, output, folded, w, b));
    }

    /// <summary>
    /// A fully connected layer on (N, C, 1, 1) (after a global pool): weights (out, in) in PyTorch's order, run as the
    /// 1x1 convolution it is on a 1x1 map.
    /// </summary>
    public Value Linear(Value x, int outFeatures, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, Activation? activation = null, string? name = null)
    {
        Read(x, nameof(x));
        return Conv2d(x, Conv2dSpec.Pointwise(x.Channels, outFeatures, bias: !bias.IsEmpty, activation), weights, bias, name ?? $"linear_{_ops.Count}");
    }
}
