namespace NativeConv;

/// <summary>
/// An immutable 2-D convolution: channels, groups, kernel, stride, padding, dilation, bias and a
/// fused activation. Weights come in PyTorch order <c>(out, in/groups, kh, kw)</c>, bias has
/// <c>out</c> elements. Everything is validated here, before any native code sees it.
/// </summary>
public sealed record Conv2dSpec : ConvolutionSpec
{
    public Conv2dSpec(int inChannels, int outChannels, Size2D kernel, Size2D? stride = null, Padding2D padding = default,
        Size2D? dilation = null, int groups = 1, bool bias = true, Activation? activation = null)
        : base(inChannels, outChannels, kernel, stride, dilation, groups, bias, activation)
    {
        Padding = padding;
        // A side padded by a whole effective kernel or more would make outputs that see only zeros.
        int eh = EffectiveKernel.Height, ew = EffectiveKernel.Width;
        if (padding.Mode == PaddingMode.Explicit && (padding.Top >= eh || padding.Bottom >= eh || padding.Left >= ew || padding.Right >= ew))
            throw new ArgumentException($"padding {padding} must be smaller than the effective kernel {eh}x{ew} on every side", nameof(padding));
    }

    /// <summary>A depthwise convolution: one group per input channel, <paramref name="multiplier"/> outputs per channel.</summary>
    public static Conv2dSpec Depthwise(int channels, Size2D kernel, int multiplier = 1, Size2D? stride = null,
        Padding2D padding = default, Size2D? dilation = null, bool bias = true, Activation? activation = null)
        => new(channels, DepthwiseOutChannels(channels, multiplier), kernel, stride, padding, dilation, groups: channels, bias, activation);

    /// <summary>A pointwise (1x1, stride 1, unpadded) convolution.</summary>
    public static Conv2dSpec Pointwise(int inChannels, int outChannels, bool bias = true, Activation? activation = null) =>
        new(inChannels, outChannels, new Size2D(1, 1), bias: bias, activation: activation);

    public Padding2D Padding { get; }

    public bool IsPointwise => Groups == 1 && Kernel == new Size2D(1, 1) && Stride == new Size2D(1, 1)
        && Dilation == new Size2D(1, 1) && (Padding.Mode == PaddingMode.Valid || Padding.Mode == PaddingMode.Same || (Padding.Top | Padding.Left | Padding.Bottom | Padding.Right) == 0);

    /// <summary>Weights per output channel: in/groups x kh x kw.</summary>
    public int WeightsPerOutputChannel => InChannelsPerGroup * Kernel.Height * Kernel.Width;

    public override string WeightShape => $"out={OutChannels}, in/groups={InChannelsPerGroup}, kh={Kernel.Height}, kw={Kernel.Width}";

    /// <summary>The same convolution with another fused activation.</summary>
    public Conv2dSpec WithActivation(Activation activation) =>
        new(InChannels, OutChannels, Kernel, Stride, Padding, Dilation, Groups, HasBias, activation);

    /// <summary>The same convolution with or without a bias.</summary>
    public Conv2dSpec WithBias(bool bias) =>
        new(InChannels, OutChannels, Kernel, Stride, Padding, Dilation, Groups, bias, Activation);

    public override ConvGeometry Geometry(int batch, int height, int width) => ConvGeometry.Resolve(this, batch, height, width);

    /// <summary>Every output sums <see cref="WeightsPerOutputChannel"/> products.</summary>
    public override long MultiplyAccumulates(int batch, int height, int width)
    {
        ConvGeometry g = Geometry(batch, height, width);
        return (long)batch * g.OutHeight * g.OutWidth * OutChannels * WeightsPerOutputChannel;
    }

    public override string ToString() =>
        $"conv {InChannels}->{OutChannels} k{Kernel} s{Stride} {Padding} d{Dilation} g{Groups}{(HasBias ? " +bias" : "")} {Activation}";
}
