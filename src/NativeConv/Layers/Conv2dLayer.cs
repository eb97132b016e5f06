namespace NativeConv;

/// <summary>
/// A 2-D convolution layer (general grouped; <see cref="DepthwiseConv2d"/> and <see cref="PointwiseConv2d"/>
/// are its two common forms) on one backend. Create once — weights in PyTorch order
/// <c>(out, in/groups, kh, kw)</c> are validated and packed or reordered once — then run many times.
/// Every argument is checked before native code runs. Calls on one layer are serialized (native
/// operators are not re-entrant); different layers run concurrently.
/// </summary>
public class Conv2dLayer : IDisposable
{
    private readonly object _gate = new();
    private IConvKernel? _kernel;

    public Conv2dLayer(Conv2dSpec spec, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, IConvBackend backend,
        TensorLayout layout = TensorLayout.Nchw)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(backend);
        if (!Enum.IsDefined(layout)) throw new ArgumentOutOfRangeException(nameof(layout), layout, "must be Nchw or Nhwc");
        if (weights.Length != spec.WeightCount)
            throw new ArgumentException($"expected {spec.WeightCount} weights in PyTorch order (out={spec.OutChannels}, in/groups={spec.InChannelsPerGroup}, " +
                $"kh={spec.Kernel.Height}, kw={spec.Kernel.Width}), got {weights.Length}", nameof(weights));
        if (bias.Length != spec.BiasCount)
            throw new ArgumentException(spec.HasBias
                ? $"expected {spec.OutChannels} bias values (one per output channel), got {bias.Length}"
                : $"the spec has no bias, but {bias.Length} bias values were given", nameof(bias));
        Spec = spec;
        Layout = layout;
        BackendName = backend.Name;
        Capabilities = backend.Describe(spec, layout);
        _kernel = backend.Create(spec, layout, weights, bias);
    }

    public Conv2dSpec Spec { get; }

    public TensorLayout Layout { get; }

    public string BackendName { get; }

    /// <summary>What the backend bridges for this layer, and what that costs.</summary>
    public BackendCapabilities Capabilities { get; }

    /// <summary>The implementation that ran for the latest input shape (e.g. oneDNN's <c>brdgmm_dw:avx2</c>).</summary>
    public string ImplementationName
    {
        get
        {
            lock (_gate) return (_kernel ?? throw new ObjectDisposedException(GetType().Name)).ImplementationName;
        }
    }

    /// <summary>Output size and resolved padding for an input size.</summary>
    public ConvGeometry Geometry(int batch, int height, int width) => Spec.Geometry(batch, height, width);

    /// <summary>
    /// Runs the convolution: <paramref name="input"/> is (batch, in, height, width) in <see cref="Layout"/>,
    /// <paramref name="output"/> receives (batch, out, outHeight, outWidth); both exactly that long, not overlapping.
    /// </summary>
    public void Forward(ReadOnlySpan<float> input, Span<float> output, int batch, int height, int width)
    {
        ConvGeometry g = Spec.Geometry(batch, height, width);
        CheckBuffers(input, output, g, Layout);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_kernel is null, this);
            _kernel.Forward(g, input, output);
        }
    }

    internal static void CheckBuffers(ReadOnlySpan<float> input, Span<float> output, in ConvGeometry g, TensorLayout layout)
    {
        if (input.Length != g.InputLength)
            throw new ArgumentException($"input must hold {Shape(layout, g.Batch, g.InChannels, g.InHeight, g.InWidth)} = {g.InputLength} values, got {input.Length}", nameof(input));
        if (output.Length != g.OutputLength)
            throw new ArgumentException($"output must hold {Shape(layout, g.Batch, g.OutChannels, g.OutHeight, g.OutWidth)} = {g.OutputLength} values, got {output.Length}", nameof(output));
        if (input.Overlaps(output))
            throw new ArgumentException("input and output must not overlap", nameof(output));
    }

    internal static string Shape(TensorLayout layout, int n, int c, int h, int w) =>
        layout == TensorLayout.Nchw ? $"NCHW {n}x{c}x{h}x{w}" : $"NHWC {n}x{h}x{w}x{c}";

    public void Dispose()
    {
        lock (_gate)
        {
            _kernel?.Dispose();
            _kernel = null;
        }
        GC.SuppressFinalize(this);
    }
}
