namespace NativeConv;

/// <summary>
/// One convolution with its fused activation: a stem, a depthwise or pointwise half, a classifier
/// (a 1x1 convolution on a 1x1 map). A BatchNorm that follows it is folded in at construction.
/// </summary>
public sealed class ConvBlock : NetworkBlock
{
    private readonly float[] _weights;
    private readonly float[] _bias;

    /// <param name="spec">The convolution; with a <paramref name="batchNorm"/>, its folded form gains a bias.</param>
    /// <param name="weights">PyTorch order (out, in/groups, kh, kw).</param>
    /// <param name="bias">out values, or empty for none.</param>
    /// <param name="batchNorm">Folded into weights and bias when given.</param>
    public ConvBlock(string name, Conv2dSpec spec, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, BatchNorm2d? batchNorm = null)
        : base(name, spec?.InChannels ?? 0, spec?.OutChannels ?? 0)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ConvArguments.CheckParameters(spec, weights, bias);
        if (batchNorm is null)
        {
            Spec = spec;
            (_weights, _bias) = (weights.ToArray(), bias.ToArray());
        }
        else
        {
            Spec = spec.WithBias(true);
            (_weights, _bias) = batchNorm.Fold(spec, weights, bias);
        }
    }

    /// <summary>The convolution as it runs (BatchNorm folded).</summary>
    public Conv2dSpec Spec { get; }

    /// <summary>The folded weights, PyTorch order.</summary>
    public ReadOnlySpan<float> Weights => _weights;

    /// <summary>The folded bias (empty when none).</summary>
    public ReadOnlySpan<float> Bias => _bias;

    public override Value AddTo(GraphBuilder graph, Value input) => graph.Conv2d(input, Spec, _weights, _bias, Name);
}
