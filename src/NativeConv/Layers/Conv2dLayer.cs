namespace NativeConv;

/// <summary>
/// A 2-D convolution layer (general grouped; <see cref="DepthwiseConv2d"/> and <see cref="PointwiseConv2d"/>
/// are its two common forms) on one backend. Create once — weights in PyTorch order
/// <c>(out, in/groups, kh, kw)</c> are validated and packed or reordered once — then run many times.
/// Every argument is checked before native code runs. Calls on one layer take turns (native
/// operators are not re-entrant); different layers run concurrently (see the README on threads).
/// </summary>
public class Conv2dLayer : ConvLayer<Conv2dSpec>
{
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
        : base(Given(backend), backend.Describe(spec, layout) with { NonFinite = ConvRepair.Describe(backend, spec.Activation, precision) },
            CreateKernel(spec, weights, bias, backend, layout, precision))
    {
        Precision = precision;
    }

    public ConvPrecision Precision { get; }

    private static ConvKernel CreateKernel(Conv2dSpec spec, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, ConvBackend backend,
        TensorLayout layout, ConvPrecision precision)
    {
        if (precision == ConvPrecision.BFloat16)
        {
            ConvArguments.CheckLayout(layout);
            ConvArguments.CheckParameters(spec, weights, bias);
            return (ConvKernel?)backend.CreateBFloat16(spec, layout, weights, bias)?.Repairing(ConvRepair.For(backend, spec, precision, weights, layout, layout))
                ?? throw new NotSupportedException($"backend '{backend.Name}' has no bfloat16 convolution (oneDNN has, on CPUs with AVX512_BF16 or AMX)");
        }
        if (precision == ConvPrecision.DynamicInt8)
        {
            ConvArguments.CheckLayout(layout);
            ConvArguments.CheckParameters(spec, weights, bias);
            return (ConvKernel?)backend.CreateDynamicInt8(spec, layout, weights, bias)?.Repairing(ConvRepair.For(backend, spec, precision, weights, layout, layout))
                ?? throw new NotSupportedException($"backend '{backend.Name}' has no dynamically quantized convolution (XNNPACK has, for pointwise layers)");
        }
        if (precision == ConvPrecision.Float32) return backend.Create(spec, layout, weights, bias);
        throw new ArgumentOutOfRangeException(nameof(precision), precision, "must be Float32, BFloat16 or DynamicInt8");
    }
}
