namespace NativeConv;

/// <summary>
/// What <see cref="Conv2dLayer"/> and <see cref="ConvTranspose2dLayer"/> share: one kernel made once by a backend, the
/// backend's account of what it bridges, shapes that follow from the spec, and a checked forward pass over caller-owned
/// buffers. Calls on one layer take turns (native operators are not re-entrant); different layers run concurrently.
/// </summary>
public abstract class ConvLayer<TSpec> : ILayer where TSpec : ConvolutionSpec
{
    private readonly ConvKernel<TSpec> _kernel;

    private protected ConvLayer(ConvBackend backend, BackendCapabilities capabilities, ConvKernel<TSpec> kernel)
    {
        _kernel = kernel;
        Capabilities = capabilities;
        BackendName = backend.Name;
    }

    public TSpec Spec => _kernel.Spec;

    public TensorLayout Layout => _kernel.Layout;

    public string BackendName { get; }

    /// <summary>What the backend bridges for this layer, and what that costs.</summary>
    public BackendCapabilities Capabilities { get; }

    /// <summary>The implementation that ran for the latest input shape (e.g. oneDNN's <c>jit_dw:avx2</c>).</summary>
    public string ImplementationName => _kernel.ImplementationName;

    public int InChannels => Spec.InChannels;

    public int OutChannels => Spec.OutChannels;

    public TensorShape OutputShape(TensorShape input)
    {
        if (input.Channels != Spec.InChannels)
            throw new ArgumentException($"{Spec} takes {Spec.InChannels} channels, not the {input.Channels} of {input.ToString(Layout)}", nameof(input));
        ConvGeometry g = Spec.Geometry(input.Batch, input.Height, input.Width);
        return new TensorShape(g.Batch, g.OutChannels, g.OutHeight, g.OutWidth);
    }

    /// <summary>Output size and resolved padding for an input size.</summary>
    public ConvGeometry Geometry(int batch, int height, int width) => Spec.Geometry(batch, height, width);

    /// <summary>
    /// Runs the layer: <paramref name="input"/> is (batch, in, height, width) in <see cref="Layout"/>,
    /// <paramref name="output"/> receives (batch, out, outHeight, outWidth); both exactly that long, not overlapping.
    /// </summary>
    public void Forward(ReadOnlySpan<float> input, Span<float> output, int batch, int height, int width) =>
        _kernel.Forward(input, output, batch, height, width);

    public void Dispose()
    {
        _kernel.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>The backend a constructor was given, checked before anything is asked of it.</summary>
    private protected static ConvBackend Given(ConvBackend backend)
    {
        ArgumentNullException.ThrowIfNull(backend);
        return backend;
    }
}
