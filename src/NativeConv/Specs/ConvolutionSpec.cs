namespace NativeConv;

/// <summary>
/// What a convolution (<see cref="Conv2dSpec"/>) and a transposed convolution (<see cref="ConvTranspose2dSpec"/>)
/// share: channels, groups, kernel, stride, dilation, bias and a fused activation, validated here; and what each
/// resolves for an input size (<see cref="Geometry"/>). Kernels, the argument checks and the backends' common parts
/// read a spec through it.
/// </summary>
public abstract record ConvolutionSpec
{
    private protected ConvolutionSpec(int inChannels, int outChannels, Size2D kernel, Size2D? stride, Size2D? dilation,
        int groups, bool bias, Activation? activation)
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
        HasBias = bias;
        Activation = activation ?? Activation.None;

        long weights = (long)inChannels * (outChannels / groups) * kernel.Height * kernel.Width;
        if (weights > Array.MaxLength)
            throw new ArgumentException($"in {inChannels} x out/groups {outChannels / groups} x kernel {kernel} = {weights} weights exceeds the largest array ({Array.MaxLength})", nameof(outChannels));
        if ((kernel.Height - 1L) * Dilation.Height + 1 > int.MaxValue / 2 || (kernel.Width - 1L) * Dilation.Width + 1 > int.MaxValue / 2)
            throw new ArgumentException($"effective kernel (kernel {kernel}, dilation {Dilation}) is too large", nameof(dilation));
    }

    public int InChannels { get; }

    public int OutChannels { get; }

    public int Groups { get; }

    public Size2D Kernel { get; }

    public Size2D Stride { get; }

    public Size2D Dilation { get; }

    public bool HasBias { get; }

    public Activation Activation { get; }

    public int InChannelsPerGroup => InChannels / Groups;

    public int OutChannelsPerGroup => OutChannels / Groups;

    /// <summary>One group per input channel.</summary>
    public bool IsDepthwise => Groups == InChannels;

    /// <summary>Outputs per input channel of a depthwise spec.</summary>
    public int ChannelMultiplier => OutChannels / InChannels;

    /// <summary>(kernel - 1) * dilation + 1: the window the kernel spans.</summary>
    public Size2D EffectiveKernel => new((Kernel.Height - 1) * Dilation.Height + 1, (Kernel.Width - 1) * Dilation.Width + 1);

    /// <summary>
    /// The most products one output sums, in/groups · kh · kw: every input channel of its group through every kernel
    /// tap at most once (a transposed convolution's outputs may sum fewer). The accumulation length of the error bound.
    /// </summary>
    public int AccumulationLength => InChannelsPerGroup * Kernel.Height * Kernel.Width;

    /// <summary>in · out/groups · kh · kw, in either weight order.</summary>
    public int WeightCount => InChannels * OutChannelsPerGroup * Kernel.Height * Kernel.Width;

    public int BiasCount => HasBias ? OutChannels : 0;

    public int ParameterCount => WeightCount + BiasCount;

    /// <summary>The weights' shape in PyTorch order, named axis by axis (what an error about the weight count shows).</summary>
    public abstract string WeightShape { get; }

    /// <summary>Resolves padding and output size for an input; throws when the output would be empty.</summary>
    public abstract ConvGeometry Geometry(int batch, int height, int width);

    /// <summary>Multiply-accumulates of one forward pass (bias and activation not counted).</summary>
    public abstract long MultiplyAccumulates(int batch, int height, int width);

    /// <summary>2 x <see cref="MultiplyAccumulates"/>.</summary>
    public long Flops(int batch, int height, int width) => 2 * MultiplyAccumulates(batch, height, width);

    /// <summary>A depthwise spec's output channels; throws naming the argument when they are not a positive int.</summary>
    private protected static int DepthwiseOutChannels(int channels, int multiplier)
    {
        if (channels < 1) throw new ArgumentOutOfRangeException(nameof(channels), channels, "must be at least 1");
        if (multiplier < 1) throw new ArgumentOutOfRangeException(nameof(multiplier), multiplier, "channel multiplier must be at least 1");
        if ((long)channels * multiplier > int.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(multiplier), multiplier, $"{channels} channels x {multiplier} overflows");
        return channels * multiplier;
    }
}
