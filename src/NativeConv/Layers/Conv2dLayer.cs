namespace NativeConv;

/// <summary>
/// A 2-D convolution layer (general grouped; <see cref="DepthwiseConv2d"/> and <see cref="PointwiseConv2d"/>
/// are its two common forms) on one backend. Create once — weights in PyTorch order
/// <c>(out, in/groups, kh, kw)</c> are validated and packed or reordered once — then run many times.
/// Every argument is checked before native code runs. Calls on one layer take turns (native
/// operators are not re-entrant); different layers run concurrently (see the README on threads).
/// </summary>
public class Conv2dLayer : ILayer
{
    private readonly ConvKernel _kernel;

    public Conv2dLayer(Conv2dSpec spec, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, ConvBackend backend,
        TensorLayout layout = TensorLayout.Nchw) : this(spec, weights, bias, backend, layout, ConvPrecision.Float32)
    {
    }

    /// <param name="precision">
    /// BFloat16: float32 tensors, bfloat16 products (oneDNN on AVX512_BF16 or AMX; elsewhere a <see cref="NotSupportedException"/> names what is missing).
    /// DynamicInt8: float32 tensors, int8 products with the input quantized per call and pixel (XNNPACK, pointwise layers).
    /// </param>
    public Conv2dLayer(Conv2dSpec spec, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, ConvBackend backend,
        TensorLayout layout, ConvPrecision precision)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(backend);
        Capabilities = backend.Describe(spec, layout);
        if (precision == ConvPrecision.BFloat16)
        {
            ConvArguments.CheckLayout(layout);
            ConvArguments.CheckParameters(spec, weights, bias);
            _kernel = backend.CreateBFloat16(spec, layout, weights, bias)
                ?? throw new NotSupportedException($"backend '{backend.Name}' has no bfloat16 convolution (oneDNN has, on CPUs with AVX512_BF16 or AMX)");
        }
        else if (precision == ConvPrecision.DynamicInt8)
        {
            ConvArguments.CheckLayout(layout);
            ConvArguments.CheckParameters(spec, weights, bias);
            _kernel = backend.CreateDynamicInt8(spec, layout, weights, bias)
                ?? throw new NotSupportedException($"backend '{backend.Name}' has no dynamically quantized convolution (XNNPACK has, for pointwise layers)");
        }
        else if (precision == ConvPrecision.Float32) _kernel = backend.Create(spec, layout, weights, bias);
        else throw new ArgumentOutOfRangeException(nameof(precision), precision, "must be Float32, BFloat16 or DynamicInt8");
        Precision = precision;
        BackendName = backend.Name;
    }

    public ConvPrecision Precision { get; }

    public Conv2dSpec Spec => _kernel.Spec;

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
    /// Runs the convolution: <paramref name="input"/> is (batch, in, height, width) in <see cref="Layout"/>,
    /// <paramref name="output"/> receives (batch, out, outHeight, outWidth); both exactly that long, not overlapping.
    /// </summary>
    public void Forward(ReadOnlySpan<float> input, Span<float> output, int batch, int height, int width) =>
        _kernel.Forward(input, output, batch, height, width);

    public void Dispose()
    {
        _kernel.Dispose();
        GC.SuppressFinalize(this);
    }
}
