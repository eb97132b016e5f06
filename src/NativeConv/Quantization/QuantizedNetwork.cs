using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace NativeConv;

/// <summary>
/// A network of quantized convolutions, residual adds and global average pools (MobileNet v1 and v2, whole or
/// body), quantized post-training: every tensor gets uint8/int8 parameters calibrated on sample inputs run
/// through the float network, every convolution int8 weights per output channel (<see cref="Calibrate"/>).
/// Convolutions run as <see cref="QuantizedConv2dLayer{T}"/>s on the backend, adds and pools as vectorized
/// managed code with their rounding written out (<see cref="QuantizedAdd"/>, <see cref="QuantizedAveragePool"/>),
/// all in NHWC between buffers planned once per input shape; an NCHW caller's bytes are transposed at the
/// edges only. A uint8 network on a backend whose uint8 convolutions shift around int8 ones (XNNPACK) runs
/// int8 inside, shifted once at its edges (every zero point − 128: the same results).
/// </summary>
public sealed unsafe class QuantizedNetwork<T> : IDisposable where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T>
{
    private readonly Lock _gate = new();
    private readonly QuantizedGraphRunner<T>? _direct;
    private readonly QuantizedGraphRunner<sbyte>? _shifted; // uint8 data run as int8 inside
    private readonly QuantizedNetworkParameters? _shiftedParameters; // its parameters: every zero point 128 lower
    private readonly QuantizedScratch<byte> _shiftedInput = new(); // the caller's uint8 input, shifted (the input is never written)
    private bool _disposed;

    /// <param name="calibration">Sample inputs of (batch 1, channels, height, width) in <paramref name="layout"/>, float.</param>
    public QuantizedNetwork(IReadOnlyList<NetworkBlock> blocks, IReadOnlyList<float[]> calibration, int height, int width,
        ConvBackend backend, TensorLayout layout = TensorLayout.Nchw)
        : this(Calibrate(blocks, calibration, height, width, backend, layout, backend?.ExactInt8WeightBits ?? 8), backend!, layout)
    {
    }

    /// <summary>A chain of quantized convolutions as given (each layer's weights and input and output parameters).</summary>
    public QuantizedNetwork(IReadOnlyList<QuantizedLayerDefinition> layers, ConvBackend backend, TensorLayout layout = TensorLayout.Nchw)
        : this(Chain(layers), backend, layout)
    {
    }

    /// <summary>The network <paramref name="parameters"/> describe (from <see cref="Calibrate"/>) on <paramref name="backend"/>.</summary>
    public QuantizedNetwork(QuantizedNetworkParameters parameters, ConvBackend backend, TensorLayout layout = TensorLayout.Nchw)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(backend);
        ConvArguments.CheckLayout(layout);
        Parameters = parameters;
        Layout = layout;
        if (typeof(T) == typeof(byte) && backend.PrefersSignedInt8)
        {
            _shiftedParameters = parameters.Shifted(-128);
            _shifted = new QuantizedGraphRunner<sbyte>(_shiftedParameters, backend, layout);
        }
        else
            _direct = new QuantizedGraphRunner<T>(parameters, backend, layout);
        BackendName = backend.Name;
    }

    /// <summary>
    /// Post-training quantization: the float network (<paramref name="blocks"/>) runs over <paramref name="calibration"/>
    /// on <paramref name="backend"/>; every tensor's range gives its parameters, every convolution's weights int8 per
    /// output channel (<paramref name="weightBits"/> 7 for a backend whose <see cref="ConvBackend.ExactInt8WeightBits"/> is 7).
    /// Blocks that lower to other operations (squeeze-and-excitation, HardSwish) are refused.
    /// </summary>
    public static QuantizedNetworkParameters Calibrate(IReadOnlyList<NetworkBlock> blocks, IReadOnlyList<float[]> calibration,
        int height, int width, ConvBackend backend, TensorLayout layout = TensorLayout.Nchw, int weightBits = 8) =>
        QuantizedCalibration.Calibrate<T>(ConvNetwork.GraphOf(blocks), calibration, height, width, backend, layout, weightBits);

    /// <summary>What runs: the convolutions' weights and every tensor's parameters.</summary>
    public QuantizedNetworkParameters Parameters { get; }

    /// <summary>The convolutions, in the order they run.</summary>
    public IReadOnlyList<QuantizedLayerDefinition> Definitions => Parameters.Layers;

    public TensorLayout Layout { get; }

    public int InChannels => Parameters.Graph.Inputs[0].Channels;

    public int OutChannels => Parameters.Graph.Outputs[0].Channels;

    /// <summary>The parameters the caller quantizes its input with.</summary>
    public QuantizationParameters Input => Parameters.Input;

    /// <summary>The parameters the output is in.</summary>
    public QuantizationParameters Output => Parameters.Output;

    public string BackendName { get; }

    /// <summary>The number of convolutions.</summary>
    public int LayerCount => Parameters.Layers.Count;

    public TensorShape OutputShape(TensorShape input)
    {
        if (input.Channels != InChannels) throw new ArgumentException($"the network takes {InChannels} channels, not {input.Channels}", nameof(input));
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _direct?.OutputShape(input) ?? _shifted!.OutputShape(input);
        }
    }

    public void Forward(ReadOnlySpan<T> input, Span<T> output, int batch, int height, int width)
    {
        var inShape = new TensorShape(batch, InChannels, height, width);
        lock (_gate)
        {
            Check(input, output, inShape);
            RunChecked(input, output, inShape);
        }
    }

    /// <summary>
    /// Float in, float out, quantized inside: the input quantized with <see cref="Input"/> (<see cref="Quantizer.Quantize{T}"/>),
    /// the network run, the output dequantized with <see cref="Output"/>, as a QuantizeLinear → network → DequantizeLinear
    /// model runs. The quantized tensors live in buffers kept for the largest shape so far: a warm call allocates nothing.
    /// </summary>
    public void Forward(ReadOnlySpan<float> input, Span<float> output, int batch, int height, int width)
    {
        var inShape = new TensorShape(batch, InChannels, height, width);
        lock (_gate)
        {
            Check(input, output, inShape);
            if (_shifted is not null)
            {
                // uint8 run as int8 inside: quantized straight into int8 with every zero point 128 lower (the same integers,
                // shifted), so neither the input nor the output needs the ⊕0x80 passes of the uint8 Forward.
                Span<sbyte> xs = MemoryMarshal.Cast<byte, sbyte>(_shiftedInput.Get(input.Length));
                Span<sbyte> ys = MemoryMarshal.Cast<T, sbyte>(_floatOutput.Get(output.Length));
                Quantizer.Quantize(input, xs, _shiftedParameters!.Input);
                fixed (sbyte* px = xs)
                fixed (sbyte* py = ys)
                    _shifted.Run(px, py, inShape);
                Quantizer.Dequantize<sbyte>(ys, output, _shiftedParameters.Output);
                return;
            }
            Span<T> x = _floatInput.Get(input.Length), y = _floatOutput.Get(output.Length);
            Quantizer.Quantize(input, x, Parameters.Input);
            RunChecked(x, y, inShape);
            Quantizer.Dequantize<T>(y, output, Parameters.Output);
        }
    }

    private readonly QuantizedScratch<T> _floatInput = new(), _floatOutput = new(); // the float Forward's quantized tensors

    /// <summary>Under the gate: not disposed, the input and output of the shape's exact lengths, not overlapping.</summary>
    private void Check<TElement>(ReadOnlySpan<TElement> input, Span<TElement> output, TensorShape inShape)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        TensorShape outShape = _direct?.OutputShape(inShape) ?? _shifted!.OutputShape(inShape); // the planned one when warm: no allocation
        if (input.Length != inShape.Length) throw new ArgumentException($"input must hold {inShape.ToString(Layout)} = {inShape.Length} values, got {input.Length}", nameof(input));
        if (output.Length != outShape.Length) throw new ArgumentException($"output must hold {outShape.ToString(Layout)} = {outShape.Length} values, got {output.Length}", nameof(output));
        if (input.Overlaps(output)) throw new ArgumentException("input and output must not overlap", nameof(output));
    }

    /// <summary>Runs on checked buffers of the exact lengths, under the gate.</summary>
    private void RunChecked(ReadOnlySpan<T> input, Span<T> output, TensorShape inShape)
    {
        fixed (T* x = input)
        fixed (T* y = output)
        {
            if (_direct is not null)
            {
                _direct.Run(x, y, inShape);
                return;
            }
            // uint8 ⊕ 0x80 = int8 − (−128): in through a copy (the caller's input is never written), out in place.
            Span<byte> shiftedInput = _shiftedInput.Get(input.Length); // with XNNPACK's read slack
            TensorPrimitives.Xor(new ReadOnlySpan<byte>(x, input.Length), (byte)0x80, shiftedInput);
            fixed (byte* shifted = shiftedInput)
                _shifted!.Run((sbyte*)shifted, (sbyte*)y, inShape);
            var result = new Span<byte>(y, output.Length);
            TensorPrimitives.Xor(result, (byte)0x80, result);
        }
    }

    private static QuantizedNetworkParameters Chain(IReadOnlyList<QuantizedLayerDefinition> layers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        if (layers.Count == 0) throw new ArgumentException("a network needs at least one layer", nameof(layers));
        for (int i = 1; i < layers.Count; i++)
        {
            if (layers[i].Weights.Spec.InChannels != layers[i - 1].Weights.Spec.OutChannels)
                throw new ArgumentException($"layer {i} takes (N, {layers[i].Weights.Spec.InChannels}, H, W), layer {i - 1} gives (N, {layers[i - 1].Weights.Spec.OutChannels}, H, W)", nameof(layers));
            if (layers[i].Input != layers[i - 1].Output)
                throw new ArgumentException($"layer {i} reads ({layers[i].Input}), layer {i - 1} writes ({layers[i - 1].Output})", nameof(layers));
        }
        // A graph of the convolutions alone: their float weights are never read (the quantized ones run).
        var ops = layers.Select((l, i) => (GraphOp)new ConvOp($"layer {i}", i, i + 1, l.Weights.Spec, [], [])).ToArray();
        int[] channels = [layers[0].Weights.Spec.InChannels, .. layers.Select(l => l.Weights.Spec.OutChannels)];
        var graph = new NetworkGraph(ops, channels, channels.Select((_, v) => v == 0 ? "input" : $"layer {v - 1}").ToArray(), [0], [channels.Length - 1], ["output"]);
        QuantizationParameters[] values = [layers[0].Input, .. layers.Select(l => l.Output)];
        return new QuantizedNetworkParameters(graph, values, layers.Select(l => (QuantizedConvWeights?)l.Weights).ToArray());
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            _direct?.Dispose();
            _shifted?.Dispose();
            _shiftedInput.Dispose();
            _floatInput.Dispose();
            _floatOutput.Dispose();
        }
    }
}
