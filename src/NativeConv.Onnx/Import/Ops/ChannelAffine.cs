namespace NativeConv.Onnx;

/// <summary>
/// A per-channel x·scale + shift, then an activation, as a depthwise 1x1 convolution: how a node that has no
/// operation of its own in the graph runs (a BatchNormalization not after a convolution, a Mul or Add by a per-channel
/// constant). On every backend.
/// </summary>
internal static class ChannelAffine
{
    public static void Lower(Node node, LowerContext context, FeatureMap x, float[] scale, float[]? shift, Activation activation, BatchNorm2d? batchNorm = null)
    {
        int channels = x.Value.Channels;
        var spec = Conv2dSpec.Depthwise(channels, new Size2D(1, 1), bias: shift is not null, activation: activation);
        Value y = context.Builder.Conv2d(x.Value, spec, scale, shift ?? [], context.Name(node), batchNorm);
        context.Define(node, 0, y, x.Rank);
    }

    /// <summary>
    /// A constant's values per channel for a feature map of <paramref name="channels"/> channels and rank
    /// <paramref name="rank"/>: a scalar, [C], or C along the channel axis with ones elsewhere (e.g. [1, C, 1, 1]);
    /// null when it varies along other axes.
    /// </summary>
    public static double[]? PerChannel(Tensor constant, int channels, int rank)
    {
        if (!constant.IsReal) return null;
        if (constant.Length == 1) return Enumerable.Repeat(constant.Reals![0], channels).ToArray();
        if (constant.Length != channels || constant.Rank > rank) return null;
        // Right-aligned against (N, C, H, W) or (N, C): the channel axis is rank - 1 - (rank - 2) from the right.
        int channelFromRight = rank - 2;
        for (int i = 0; i < constant.Rank; i++)
        {
            int fromRight = constant.Rank - 1 - i;
            if (constant.Dims[i] != 1 && fromRight != channelFromRight) return null;
        }
        return constant.Reals!.ToArray();
    }
}
