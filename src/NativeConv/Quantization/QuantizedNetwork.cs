using System.Numerics;
using System.Runtime.InteropServices;

namespace NativeConv;

/// <summary>
/// A chain of convolutions (the blocks of MobileNet v1: <see cref="ConvBlock"/>s and <see cref="SeparableBlock"/>s)
/// quantized post-training: each convolution's input and output get uint8/int8 parameters calibrated on sample
/// inputs run through the float network (<see cref="Quantizer.Calibrate{T}"/>), its weights int8 per output
/// channel (<see cref="Quantizer.QuantizeWeights"/>). Runs as <see cref="QuantizedConv2dLayer{T}"/>s in NHWC
/// between two planned byte buffers; an NCHW caller's bytes are transposed at the edges only.
/// </summary>
public sealed unsafe class QuantizedNetwork<T> : IDisposable where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T>
{
    private readonly Lock _gate = new();
    private readonly List<QuantizedConv2dLayer<T>> _layers = [];
    private nint _buffers;
    private (int N, int H, int W) _planned;
    private long _half;
    private bool _disposed;

    /// <param name="calibration">Sample inputs of (batch 1, channels, height, width) in <paramref name="layout"/>, float.</param>
    public QuantizedNetwork(IReadOnlyList<NetworkBlock> blocks, IReadOnlyList<float[]> calibration, int height, int width,
        ConvBackend backend, TensorLayout layout = TensorLayout.Nchw)
        : this(Calibrate(blocks, calibration, height, width, backend, layout), backend, layout)
    {
    }

    /// <summary>A chain of quantized convolutions as given (each layer's weights and input and output parameters).</summary>
    public QuantizedNetwork(IReadOnlyList<QuantizedLayerDefinition> layers, ConvBackend backend, TensorLayout layout = TensorLayout.Nchw)
    {
        ArgumentNullException.ThrowIfNull(layers);
        ArgumentNullException.ThrowIfNull(backend);
        ConvArguments.CheckLayout(layout);
        if (layers.Count == 0) throw new ArgumentException("a network needs at least one layer", nameof(layers));
        for (int i = 1; i < layers.Count; i++)
        {
            if (layers[i].Weights.Spec.InChannels != layers[i - 1].Weights.Spec.OutChannels)
                throw new ArgumentException($"layer {i} takes (N, {layers[i].Weights.Spec.InChannels}, H, W), layer {i - 1} gives (N, {layers[i - 1].Weights.Spec.OutChannels}, H, W)", nameof(layers));
            if (layers[i].Input != layers[i - 1].Output)
                throw new ArgumentException($"layer {i} reads ({layers[i].Input}), layer {i - 1} writes ({layers[i - 1].Output})", nameof(layers));
        }
        Layout = layout;
        InChannels = layers[0].Weights.Spec.InChannels;
        OutChannels = layers[^1].Weights.Spec.OutChannels;
        Input = layers[0].Input;
        Output = layers[^1].Output;
        Definitions = layers;
        try
        {
            foreach (QuantizedLayerDefinition layer in layers)
                _layers.Add(new QuantizedConv2dLayer<T>(layer.Weights, layer.Input, layer.Output, backend, TensorLayout.Nhwc));
        }
        catch
        {
            Dispose();
            throw;
        }
        BackendName = backend.Name;
    }

    /// <summary>What each layer runs with: the quantized weights and the input and output parameters.</summary>
    public IReadOnlyList<QuantizedLayerDefinition> Definitions { get; }

    /// <summary>
    /// Post-training quantization of a chain of convolutions: each one's float outputs over the samples (run on
    /// <paramref name="backend"/> in float) give its output parameters, the previous ones its input parameters.
    /// </summary>
    public static IReadOnlyList<QuantizedLayerDefinition> Calibrate(IReadOnlyList<NetworkBlock> blocks, IReadOnlyList<float[]> calibration,
        int height, int width, ConvBackend backend, TensorLayout layout = TensorLayout.Nchw)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        ArgumentNullException.ThrowIfNull(calibration);
        ArgumentNullException.ThrowIfNull(backend);
        if (calibration.Count == 0) throw new ArgumentException("at least one calibration input is needed", nameof(calibration));
        List<ConvBlock> convolutions = blocks.SelectMany(b => b switch
        {
            ConvBlock c => [c],
            SeparableBlock s => new[] { s.Depthwise, s.Pointwise },
            _ => throw new NotSupportedException($"'{b.Name}' ({b.GetType().Name}): quantized networks are chains of convolutions (MobileNet v1's blocks)"),
        }).ToList();
        int channels = convolutions[0].InChannels;
        List<float[]> current = calibration.Select(x => layout == TensorLayout.Nhwc ? x : ToNhwc(x, channels, height, width)).ToList();
        int h = height, w = width;
        QuantizationParameters inputParameters = Quantizer.Calibrate<T>(current);
        var definitions = new List<QuantizedLayerDefinition>();
        foreach (ConvBlock conv in convolutions)
        {
            ConvGeometry g = conv.Spec.Geometry(1, h, w);
            var outputs = new List<float[]>();
            using (var layer = new Conv2dLayer(conv.Spec, conv.Weights, conv.Bias, backend, TensorLayout.Nhwc))
                foreach (float[] x in current)
                {
                    if (x.Length != g.InputLength) throw new ArgumentException($"calibration inputs must hold {g.InputLength} values, not {x.Length}", nameof(calibration));
                    var y = new float[g.OutputLength];
                    layer.Forward(x, y, 1, h, w);
                    outputs.Add(y);
                }
            QuantizationParameters outputParameters = Quantizer.Calibrate<T>(outputs);
            definitions.Add(new QuantizedLayerDefinition(Quantizer.QuantizeWeights(conv.Spec, conv.Weights, conv.Bias, inputParameters.Scale), inputParameters, outputParameters));
            (current, inputParameters, h, w) = (outputs, outputParameters, g.OutHeight, g.OutWidth);
        }
        return definitions;
    }

    public TensorLayout Layout { get; }

    public int InChannels { get; }

    public int OutChannels { get; }

    /// <summary>The parameters the caller quantizes its input with.</summary>
    public QuantizationParameters Input { get; }

    /// <summary>The parameters the output is in.</summary>
    public QuantizationParameters Output { get; }

    public string BackendName { get; }

    public int LayerCount => _layers.Count;

    public TensorShape OutputShape(TensorShape input)
    {
        if (input.Channels != InChannels) throw new ArgumentException($"the network takes {InChannels} channels, not {input.Channels}", nameof(input));
        int h = input.Height, w = input.Width;
        foreach (QuantizedConv2dLayer<T> layer in _layers)
        {
            ConvGeometry g = layer.Geometry(input.Batch, h, w);
            (h, w) = (g.OutHeight, g.OutWidth);
        }
        return new TensorShape(input.Batch, OutChannels, h, w);
    }

    public void Forward(ReadOnlySpan<T> input, Span<T> output, int batch, int height, int width)
    {
        TensorShape inShape = new(batch, InChannels, height, width), outShape = OutputShape(inShape);
        if (input.Length != inShape.Length) throw new ArgumentException($"input must hold {inShape.ToString(Layout)} = {inShape.Length} values, got {input.Length}", nameof(input));
        if (output.Length != outShape.Length) throw new ArgumentException($"output must hold {outShape.ToString(Layout)} = {outShape.Length} values, got {output.Length}", nameof(output));
        if (input.Overlaps(output)) throw new ArgumentException("input and output must not overlap", nameof(output));
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            Plan(batch, height, width);
            T* a = (T*)_buffers, b = a + _half;
            fixed (T* x = input)
            fixed (T* y = output)
            {
                // Ping-pong between two NHWC buffers; the caller's buffers at the ends (NHWC callers: as they are).
                T* source = x;
                if (Layout == TensorLayout.Nchw)
                {
                    NhwcOps.Transpose((byte*)x, (byte*)a, batch, InChannels, height * width);
                    source = a;
                }
                int h = height, w = width;
                for (int i = 0; i < _layers.Count; i++)
                {
                    QuantizedConv2dLayer<T> layer = _layers[i];
                    ConvGeometry g = layer.Geometry(batch, h, w);
                    bool last = i == _layers.Count - 1;
                    T* target = last && Layout == TensorLayout.Nhwc ? y : source == a ? b : a;
                    layer.Forward(new ReadOnlySpan<T>(source, g.InputLength), new Span<T>(target, g.OutputLength), batch, h, w);
                    source = target;
                    (h, w) = (g.OutHeight, g.OutWidth);
                }
                if (Layout == TensorLayout.Nchw) NhwcOps.Transpose((byte*)source, (byte*)y, batch, h * w, OutChannels);
            }
        }
    }

    /// <summary>Two byte buffers as large as the largest tensor of the chain for this shape (made once per shape, kept for the latest).</summary>
    private void Plan(int batch, int height, int width)
    {
        if (_buffers != 0 && _planned == (batch, height, width)) return;
        long largest = (long)batch * InChannels * height * width;
        int h = height, w = width;
        foreach (QuantizedConv2dLayer<T> layer in _layers)
        {
            ConvGeometry g = layer.Geometry(batch, h, w);
            largest = Math.Max(largest, g.OutputLength);
            (h, w) = (g.OutHeight, g.OutWidth);
        }
        if (_buffers != 0) NativeMemory.AlignedFree((void*)_buffers);
        _half = (largest + 63) / 64 * 64 + 64; // + XNNPACK's read slack, aligned
        _buffers = (nint)NativeMemory.AlignedAlloc((nuint)(2 * _half * sizeof(T)), 64);
        _planned = (batch, height, width);
    }

    private static float[] ToNhwc(float[] x, int channels, int height, int width)
    {
        var y = new float[x.Length];
        int hw = height * width;
        for (int c = 0; c < channels; c++)
            for (int p = 0; p < hw; p++)
                y[p * channels + c] = x[c * hw + p];
        return y;
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            foreach (QuantizedConv2dLayer<T> layer in _layers) layer.Dispose();
            if (_buffers != 0) NativeMemory.AlignedFree((void*)_buffers);
            _buffers = 0;
        }
    }
}
