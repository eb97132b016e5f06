namespace NativeConv;

/// <summary>
/// An immutable 2-D convolution: channels, groups, kernel, stride, padding, dilation, bias and a
/// fused activation. Weights come in PyTorch order <c>(out, in/groups, kh, kw)</c>, bias has
/// <c>out</c> elements. Everything is validated here, before any native code sees it.
/// </summary>
public sealed record Conv2dSpec
{
    public Conv2dSpec(int inChannels, int outChannels, Size2D kernel, Size2D? stride = null, Padding2D padding = default,
        Size2D? dilation = null, int groups = 1, bool bias = true, Activation? activation = null)
    {
        if (inChannels < 1) throw new ArgumentOutOfRangeException(nameof(inChannels), inChannels, "must be at least 1");
        if (outChannels < 1) throw new ArgumentOutOfRangeException(nameof(outChannels), outChannels, "must be at least 1");
        if (groups < 1) throw new ArgumentOutOfRangeException(nameof(groups), groups, "must be at least 1");
        if (inChannels % groups != 0)
            throw new ArgumentException($"groups ({groups}) must divide inChannels ({inChannels})", nameof(groups));
        if (outChannels % groups != 0)
            throw new ArgumentException($"groups ({groups}) must divide outChannels ({outChannels})", nameof(groups));
        if (kernel.Height == 0) throw new ArgumentException("kernel must be given (default Size2D is 0x0)", nameof(kernel));
        InChannels = inChannels;
        OutChannels = outChannels;
        Groups = groups;
        Kernel = kernel;
        Stride = stride ?? new Size2D(1, 1);
        Dilation = dilation ?? new Size2D(1, 1);
        if (Stride.Height == 0) throw new ArgumentException("stride must be at least 1x1", nameof(stride));
        if (Dilation.Height == 0) throw new ArgumentException("dilation must be at least 1x1", nameof(dilation));
        Padding = padding;
        HasBias = bias;
        Activation = activation ?? Activation.None;

        // A side padded by a whole effective kernel or more would make outputs that see only zeros.
        int eh = EffectiveKernel.Height, ew = EffectiveKernel.Width;
        if (padding.Mode == PaddingMode.Explicit && (padding.Top >= eh || padding.Bottom >= eh || padding.Left >= ew || padding.Right >= ew))
            throw new ArgumentException($"padding {padding} must be smaller than the effective kernel {eh}x{ew} on every side", nameof(padding));

        long weights = (long)outChannels * (inChannels / groups) * kernel.Height * kernel.Width;
        if (weights > Array.MaxLength)
            throw new ArgumentException($"{outChannels}x{inChannels / groups}x{kernel} = {weights} weights exceeds the largest array ({Array.MaxLength})", nameof(outChannels));
        if ((long)(EffectiveKernel.Height) > int.MaxValue / 2 || (long)EffectiveKernel.Width > int.MaxValue / 2)
            throw new ArgumentException($"effective kernel (kernel {kernel}, dilation {Dilation}) is too large", nameof(dilation));
    }

    /// <summary>A depthwise convolution: one group per input channel, <paramref name="multiplier"/> outputs per channel.</summary>
    public static Conv2dSpec Depthwise(int channels, Size2D kernel, int multiplier = 1, Size2D? stride = null,
        Padding2D padding = default, Size2D? dilation = null, bool bias = true, Activation? activation = null)
    {
        if (channels < 1) throw new ArgumentOutOfRangeException(nameof(channels), channels, "must be at least 1");
        if (multiplier < 1) throw new ArgumentOutOfRangeException(nameof(multiplier), multiplier, "channel multiplier must be at least 1");
        if ((long)channels * multiplier > int.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(multiplier), multiplier, $"{channels} channels x {multiplier} overflows");
        return new Conv2dSpec(channels, channels * multiplier, kernel, stride, padding, dilation, groups: channels, bias, activation);
    }

    /// <summary>A pointwise (1x1, stride 1, unpadded) convolution.</summary>
    public static Conv2dSpec Pointwise(int inChannels, int outChannels, bool bias = true, Activation? activation = null) =>
        new(inChannels, outChannels, new Size2D(1, 1), bias: bias, activation: activation);

    public int InChannels { get; }

    public int OutChannels { get; }

    public int Groups { get; }

    public Size2D Kernel { get; }

    public Size2D Stride { get; }

    public Padding2D Padding { get; }

    public Size2D Dilation { get; }

    public bool HasBias { get; }

    public Activation Activation { get; }

    public int InChannelsPerGroup => InChannels / Groups;

    public int OutChannelsPerGroup => OutChannels / Groups;

    /// <summary>One group per input channel.</summary>
    public bool IsDepthwise => Groups == InChannels;

    /// <summary>Outputs per input channel of a depthwise convolution.</summary>
    public int ChannelMultiplier => OutChannels / InChannels;

    public bool IsPointwise => Groups == 1 && Kernel == new Size2D(1, 1) && Stride == new Size2D(1, 1)
        && Dilation == new Size2D(1, 1) && (Padding.Mode == PaddingMode.Valid || Padding.Mode == PaddingMode.Same || (Padding.Top | Padding.Left | Padding.Bottom | Padding.Right) == 0);

    /// <summary>(kernel - 1) * dilation + 1: the window the kernel spans.</summary>
    public Size2D EffectiveKernel => new((Kernel.Height - 1) * Dilation.Height + 1, (Kernel.Width - 1) * Dilation.Width + 1);

    /// <summary>Weights per output channel: in/groups x kh x kw.</summary>
    public int WeightsPerOutputChannel => InChannelsPerGroup * Kernel.Height * Kernel.Width;

    public int WeightCount => OutChannels * WeightsPerOutputChannel;

    public int BiasCount => HasBias ? OutChannels : 0;

    public int ParameterCount => WeightCount + BiasCount;

    /// <summary>The same convolution with another fused activation.</summary>
    public Conv2dSpec WithActivation(Activation activation) =>
        new(InChannels, OutChannels, Kernel, Stride, Padding, Dilation, Groups, HasBias, activation);

    /// <summary>The same convolution with or without a bias.</summary>
    public Conv2dSpec WithBias(bool bias) =>
        new(InChannels, OutChannels, Kernel, Stride, Padding, Dilation, Groups, bias, Activation);

    /// <summary>Resolves padding and output size for an input; throws when the output would be empty.</summary>
    public ConvGeometry Geometry(int batch, int height, int width) => ConvGeometry.Resolve(this, batch, height, width);

    /// <summary>Multiply-accumulates of one forward pass (bias and activation not counted).</summary>
    public long MultiplyAccumulates(int batch, int height, int width)
    {
        ConvGeometry g = Geometry(batch, height, width);
        return (long)batch * g.OutHeight * g.OutWidth * OutChannels * WeightsPerOutputChannel;
    }

    /// <summary>2 x <see cref="MultiplyAccumulates"/>.</summary>
    public long Flops(int batch, int height, int width) => 2 * MultiplyAccumulates(batch, height, width);

    public override string ToString() =>
        $"conv {InChannels}->{OutChannels} k{Kernel} s{Stride} {Padding} d{Dilation} g{Groups}{(HasBias ? " +bias" : "")} {Activation}";
}
