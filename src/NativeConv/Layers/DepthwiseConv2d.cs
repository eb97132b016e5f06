namespace NativeConv;

/// <summary>A depthwise convolution: each input channel convolved with its own <c>multiplier</c> filters.</summary>
public sealed class DepthwiseConv2d : Conv2dLayer
{
    /// <param name="weights">PyTorch order (channels * multiplier, 1, kh, kw).</param>
    /// <param name="bias">channels * multiplier values, or empty for no bias.</param>
    public DepthwiseConv2d(int channels, Size2D kernel, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, ConvBackend backend,
        int multiplier = 1, Size2D? stride = null, Padding2D padding = default, Size2D? dilation = null,
        Activation? activation = null, TensorLayout layout = TensorLayout.Nchw)
        : base(Conv2dSpec.Depthwise(channels, kernel, multiplier, stride, padding, dilation, bias: !bias.IsEmpty, activation),
            weights, bias, backend, layout)
    {
    }
}
