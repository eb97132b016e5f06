namespace NativeConv;

/// <summary>
/// The MobileNet v1 block: depthwise conv → (BatchNorm) → activation → pointwise conv → (BatchNorm) →
/// activation. Batch norms are folded into the convolutions at construction; the intermediate
/// activations live in a buffer kept per layer and grown only for a larger input.
/// </summary>
public sealed class DepthwiseSeparableConv2d : IDisposable
{
    private readonly object _gate = new();
    private readonly Conv2dLayer _depthwise;
    private readonly Conv2dLayer _pointwise;
    private float[] _intermediate = [];
    private bool _disposed;

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
            bias: !depthwiseBias.IsEmpty || Options.DepthwiseBatchNorm is not null, Options.DepthwiseActivation);
        var pw = Conv2dSpec.Pointwise(dw.OutChannels, outChannels,
            bias: !pointwiseBias.IsEmpty || Options.PointwiseBatchNorm is not null, Options.PointwiseActivation);
        CheckCount(depthwiseWeights.Length, dw.WeightCount, nameof(depthwiseWeights), "(in*multiplier, 1, kh, kw)");
        CheckCount(pointwiseWeights.Length, pw.WeightCount, nameof(pointwiseWeights), "(out, in*multiplier, 1, 1)");
        if (!depthwiseBias.IsEmpty) CheckCount(depthwiseBias.Length, dw.OutChannels, nameof(depthwiseBias), "(in*multiplier)");
        if (!pointwiseBias.IsEmpty) CheckCount(pointwiseBias.Length, pw.OutChannels, nameof(pointwiseBias), "(out)");

        var (dwWeights, dwBias) = Options.DepthwiseBatchNorm is { } dwNorm
            ? dwNorm.Fold(dw, depthwiseWeights, depthwiseBias)
            : (depthwiseWeights.ToArray(), depthwiseBias.ToArray());
        var (pwWeights, pwBias) = Options.PointwiseBatchNorm is { } pwNorm
            ? pwNorm.Fold(pw, pointwiseWeights, pointwiseBias)
            : (pointwiseWeights.ToArray(), pointwiseBias.ToArray());
        _depthwise = new Conv2dLayer(dw, dwWeights, dwBias, backend, Options.Layout);
        try
        {
            _pointwise = new Conv2dLayer(pw, pwWeights, pwBias, backend, Options.Layout);
        }
        catch
        {
            _depthwise.Dispose();
            throw;
        }
    }

    public DepthwiseSeparableOptions Options { get; }

    /// <summary>The depthwise half, with its batch norm folded in.</summary>
    public Conv2dLayer Depthwise => _depthwise;

    /// <summary>The pointwise half, with its batch norm folded in.</summary>
    public Conv2dLayer Pointwise => _pointwise;

    /// <summary>Output size for an input size (the pointwise half keeps the depthwise output size).</summary>
    public ConvGeometry Geometry(int batch, int height, int width)
    {
        ConvGeometry d = _depthwise.Geometry(batch, height, width);
        return _pointwise.Geometry(batch, d.OutHeight, d.OutWidth) with { InChannels = d.InChannels, InHeight = height, InWidth = width };
    }

    public void Forward(ReadOnlySpan<float> input, Span<float> output, int batch, int height, int width)
    {
        ConvGeometry d = _depthwise.Geometry(batch, height, width);
        ConvGeometry p = _pointwise.Geometry(batch, d.OutHeight, d.OutWidth);
        ConvArguments.CheckBuffers(input, output, d with { OutChannels = p.OutChannels }, Options.Layout);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_intermediate.Length < d.OutputLength) _intermediate = new float[d.OutputLength];
            Span<float> middle = _intermediate.AsSpan(0, d.OutputLength);
            _depthwise.Forward(input, middle, batch, height, width);
            _pointwise.Forward(middle, output, batch, d.OutHeight, d.OutWidth);
        }
    }

    private static void CheckCount(int actual, int expected, string argument, string shape)
    {
        if (actual != expected) throw new ArgumentException($"expected {expected} values in PyTorch order {shape}, got {actual}", argument);
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            _depthwise.Dispose();
            _pointwise.Dispose();
        }
    }
}
