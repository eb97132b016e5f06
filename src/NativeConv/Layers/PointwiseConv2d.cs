namespace NativeConv;

/// <summary>A pointwise (1x1) convolution: a per-pixel matrix multiply mixing channels.</summary>
public sealed class PointwiseConv2d : Conv2dLayer
{
    /// <param name="weights">PyTorch order (out, in, 1, 1).</param>
    /// <param name="bias">out values, or empty for no bias.</param>
    public PointwiseConv2d(int inChannels, int outChannels, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, ConvBackend backend,
        Activation? activation = null, TensorLayout layout = TensorLayout.Nchw)
        : base(Conv2dSpec.Pointwise(inChannels, outChannels, bias: !bias.IsEmpty, activation), weights, bias, backend, layout)
    {
    }
}
