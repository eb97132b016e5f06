using System.Numerics;

namespace NativeConv;

/// <summary>
/// A quantized 2-D convolution with the semantics of ONNX QLinearConv and TFLite: <typeparamref name="T"/>
/// activations (byte: uint8, sbyte: int8) with a scale and zero point each for input and output, int8
/// weights with one scale per output channel, an int32 bias, requantization to the output's scale and
/// zero point, and ReLU / ReLU6 / clamps as the clamp of the quantized range. The element type is the
/// precision: float data does not compile here. Every argument is checked before native code runs.
/// </summary>
public sealed class QuantizedConv2dLayer<T> : IDisposable where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T>
{
    private readonly QuantizedKernel<T> _kernel;

    public QuantizedConv2dLayer(QuantizedConvWeights weights, QuantizationParameters input, QuantizationParameters output, ConvBackend backend,
        TensorLayout layout = TensorLayout.Nchw)
    {
        if (typeof(T) != typeof(byte) && typeof(T) != typeof(sbyte))
            throw new NotSupportedException($"quantized activations are byte (uint8) or sbyte (int8), not {typeof(T).Name}");
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(backend);
        ConvArguments.CheckLayout(layout);
        input.Validate<T>(nameof(input));
        output.Validate<T>(nameof(output));
        Requantization.Range(weights.Spec.Activation, output, int.CreateChecked(T.MinValue), int.CreateChecked(T.MaxValue)); // throws for activations with no quantized form
        int limit = (1 << (backend.ExactInt8WeightBits - 1)) - 1;
        if (limit < 127 && weights.LargestMagnitude > limit)
            throw new NotSupportedException($"backend '{backend.Name}' multiplies int8 weights exactly only within ±{limit} on this CPU " +
                $"({backend.Summary}): these reach ±{weights.LargestMagnitude}. Quantize to {backend.ExactInt8WeightBits} bits " +
                $"(Quantizer.QuantizeWeights(..., weightBits: {backend.ExactInt8WeightBits})) or use another backend (XNNPACK is exact with 8)");
        for (int c = 0; c < weights.Scales.Length; c++)
        {
            float multiplier = Requantization.Multiplier(input.Scale, weights.Scales[c], output.Scale);
            if (!(multiplier < 256) || !float.IsNormal(multiplier))
                throw new ArgumentOutOfRangeException(nameof(output), output.Scale,
                    $"input scale x weight scale {c} / output scale = {multiplier}: it must be a normal float below 256 (the output scale is too small)");
        }
        _kernel = backend.CreateQuantized<T>(weights, input, output, layout)
            ?? throw new NotSupportedException($"backend '{backend.Name}' has no quantized convolution");
        BackendName = backend.Name;
    }

    public Conv2dSpec Spec => _kernel.Spec;

    public TensorLayout Layout => _kernel.Layout;

    public QuantizationParameters Input => _kernel.Input;

    public QuantizationParameters Output => _kernel.Output;

    public string BackendName { get; }

    /// <summary>What ran for the latest shape (e.g. oneDNN's <c>brg_conv_fwd:avx512_core_vnni</c>).</summary>
    public string ImplementationName => _kernel.ImplementationName;

    public ConvGeometry Geometry(int batch, int height, int width) => Spec.Geometry(batch, height, width);

    public void Forward(ReadOnlySpan<T> input, Span<T> output, int batch, int height, int width) =>
        _kernel.Forward(Spec.Geometry(batch, height, width), input, output);

    public void Dispose() => _kernel.Dispose();
}
