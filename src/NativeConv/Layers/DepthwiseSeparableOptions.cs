namespace NativeConv;

/// <summary>The parts of a depthwise-separable block besides its channels, kernel and weights.</summary>
public sealed record DepthwiseSeparableOptions
{
    public int Multiplier { get; init; } = 1;

    public Size2D Stride { get; init; } = new(1, 1);

    /// <summary>Of the depthwise convolution; Same by default.</summary>
    public Padding2D Padding { get; init; } = Padding2D.Same;

    public Size2D Dilation { get; init; } = new(1, 1);

    /// <summary>Folded into the depthwise weights and bias at construction, when given.</summary>
    public BatchNorm2d? DepthwiseBatchNorm { get; init; }

    public Activation DepthwiseActivation { get; init; } = Activation.ReLU;

    /// <summary>Folded into the pointwise weights and bias at construction, when given.</summary>
    public BatchNorm2d? PointwiseBatchNorm { get; init; }

    public Activation PointwiseActivation { get; init; } = Activation.ReLU;

    public TensorLayout Layout { get; init; } = TensorLayout.Nchw;
}
