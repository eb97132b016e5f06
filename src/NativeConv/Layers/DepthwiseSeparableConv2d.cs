namespace NativeConv;

/// <summary>
/// The MobileNet v1 block as a layer: depthwise conv → (BatchNorm) → activation → pointwise conv →
/// (BatchNorm) → activation. BatchNorms are folded into the convolutions at construction; it runs as a
/// one-block <see cref="ConvNetwork"/>, so the intermediate lives in a 64-byte aligned buffer planned
/// once per input shape, in the backend's native layout.
/// </summary>
public sealed class DepthwiseSeparableConv2d : ILayer
{
    private readonly ConvNetwork _network;

    /// <param name="depthwiseWeights">PyTorch order (in * multiplier, 1, kh, kw).</param>
    /// <param name="depthwiseBias">in * multiplier values, or empty.</param>
    /// <param name="pointwiseWeights">PyTorch order (out, in * multiplier, 1, 1).</param>
    /// <param name="pointwiseBias">out values, or empty.</param>
    public DepthwiseSeparableConv2d(int inChannels, int outChannels, Size2D kernel,
        ReadOnlySpan<float> depthwiseWeights, ReadOnlySpan<float> depthwiseBias,
        ReadOnlySpan<float> pointwiseWeights, ReadOnlySpan<float> pointwiseBias,
        ConvBackend backend, DepthwiseSeparableOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(backend);
        Options = options ?? new DepthwiseSeparableOptions();
        var dw = Conv2dSpec.Depthwise(inChannels, kernel, Options.Multiplier, Options.Stride, Options.Padding, Options.Dilation,
            bias: !depthwiseBias.IsEmpty, Options.DepthwiseActivation);
        var pw = Conv2dSpec.Pointwise(dw.OutChannels, outChannels, bias: !pointwiseBias.IsEmpty, Options.PointwiseActivation);
        CheckCount(depthwiseWeights.Length, dw.WeightCount, nameof(depthwiseWeights), "(in*multiplier, 1, kh, kw)");
        CheckCount(pointwiseWeights.Length, pw.WeightCount, nameof(pointwiseWeights), "(out, in*multiplier, 1, 1)");
        if (!depthwiseBias.IsEmpty) CheckCount(depthwiseBias.Length, dw.OutChannels, nameof(depthwiseBias), "(in*multiplier)");
        if (!pointwiseBias.IsEmpty) CheckCount(pointwiseBias.Length, pw.OutChannels, nameof(pointwiseBias), "(out)");
        Depthwise = new ConvBlock("depthwise", dw, depthwiseWeights, depthwiseBias, Options.DepthwiseBatchNorm);
        Pointwise = new ConvBlock("pointwise", pw, pointwiseWeights, pointwiseBias, Options.PointwiseBatchNorm);
        _network = new ConvNetwork([new SeparableBlock("separable", Depthwise, Pointwise)], ConvBackends.Of(backend), new NetworkOptions { Backend = backend.Name, Layout = Options.Layout });
    }

    public DepthwiseSeparableOptions Options { get; }

    /// <summary>The depthwise half, with its batch norm folded in.</summary>
    public ConvBlock Depthwise { get; }

    /// <summary>The pointwise half, with its batch norm folded in.</summary>
    public ConvBlock Pointwise { get; }

    public TensorLayout Layout => _network.Layout;

    public int InChannels => _network.InChannels;

    public int OutChannels => _network.OutChannels;

    /// <summary>Output size for an input size (the pointwise half keeps the depthwise output size).</summary>
    public ConvGeometry Geometry(int batch, int height, int width)
    {
        ConvGeometry d = Depthwise.Spec.Geometry(batch, height, width);
        return d with { OutChannels = Pointwise.OutChannels };
    }

    public TensorShape OutputShape(TensorShape input) => _network.OutputShape(input);

    /// <summary>What runs each half (the implementations that ran, once a call was made).</summary>
    public IReadOnlyList<string> Describe() => _network.Describe();

    public void Forward(ReadOnlySpan<float> input, Span<float> output, int batch, int height, int width) =>
        _network.Forward(input, output, batch, height, width);

    private static void CheckCount(int actual, int expected, string argument, string shape)
    {
        if (actual != expected) throw new ArgumentException($"expected {expected} values in PyTorch order {shape}, got {actual}", argument);
    }

    public void Dispose() => _network.Dispose();
}
