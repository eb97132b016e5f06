using System.Numerics;
using System.Runtime.InteropServices;

namespace NativeConv;

/// <summary>
/// A network of quantized convolutions, residual adds and global average pools (MobileNet v1 and v2, whole or
/// body), quantized post-training: every tensor gets uint8/int8 parameters calibrated on sample inputs run
/// through the float network, every convolution int8 weights per output channel (<see cref="Calibrate"/>).
/// Convolutions run as <see cref="QuantizedConv2dLayer{T}"/>s on the backend, adds and pools as vectorized
/// managed code with their rounding written out (<see cref="QuantizedAdd"/>, <see cref="QuantizedAveragePool"/>),
/// all in NHWC between buffers planned once per input shape (a value's buffer is reused after its last
/// reader); an NCHW caller's bytes are transposed at the edges only.
/// </summary>
public sealed unsafe class QuantizedNetwork<T> : IDisposable where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T>
{
    private readonly Lock _gate = new();
    private readonly IReadOnlyList<GraphOp> _steps;
    private readonly IReadOnlyList<int> _channels;
    private readonly object?[] _runners; // per step: its layer, add or pool
    private readonly int[][] _inputs; // per step, the values it reads (read once: GraphOp.Inputs makes a new list per call)
    private nint _memory;
    private T*[] _values = []; // per value, where it lives for the planned shape (null: the caller's buffers)
    private TensorShape[] _shapes = [];
    private (int N, int H, int W) _planned;
    private bool _disposed;

    /// <param name="calibration">Sample inputs of (batch 1, channels, height, width) in <paramref name="layout"/>, float.</param>
    public QuantizedNetwork(IReadOnlyList<NetworkBlock> blocks, IReadOnlyList<float[]> calibration, int height, int width,
        ConvBackend backend, TensorLayout layout = TensorLayout.Nchw)
        : this(Calibrate(blocks, calibration, height, width, backend, layout), backend, layout)
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
        _steps = parameters.Steps;
        _channels = parameters.Channels;
        _runners = new object?[_steps.Count];
        _inputs = _steps.Select(step => step.Inputs.ToArray()).ToArray();
        bool signed = typeof(T) == typeof(sbyte);
        try
        {
            for (int i = 0; i < _steps.Count; i++)
                _runners[i] = _steps[i] switch
                {
                    QuantizedConvStep c => new QuantizedConv2dLayer<T>(c.Definition.Weights, c.Definition.Input, c.Definition.Output, backend, TensorLayout.Nhwc),
                    QuantizedAddStep a => new QuantizedAdd(a.LeftParameters, a.RightParameters, a.OutputParameters, signed),
                    QuantizedPoolStep p => new QuantizedAveragePool(p.InputParameters, p.OutputParameters, signed),
                    _ => throw new InvalidOperationException($"unexpected step {_steps[i]}"),
                };
        }
        catch
        {
            Dispose();
            throw;
        }
        BackendName = backend.Name;
    }

    /// <summary>
    /// Post-training quantization: the float network (<paramref name="blocks"/>) runs over <paramref name="calibration"/>
    /// on <paramref name="backend"/>; every tensor's range gives its parameters, every convolution's weights int8 per
    /// output channel. Blocks that lower to other operations (squeeze-and-excitation, HardSwish) are refused.
    /// </summary>
    public static QuantizedNetworkParameters Calibrate(IReadOnlyList<NetworkBlock> blocks, IReadOnlyList<float[]> calibration,
        int height, int width, ConvBackend backend, TensorLayout layout = TensorLayout.Nchw) =>
        QuantizedCalibration.Calibrate<T>(blocks, calibration, height, width, backend, layout);

    /// <summary>What runs: the convolutions' weights and every tensor's parameters.</summary>
    public QuantizedNetworkParameters Parameters { get; }

    /// <summary>The convolutions, in the order they run.</summary>
    public IReadOnlyList<QuantizedLayerDefinition> Definitions => Parameters.Layers;

    public TensorLayout Layout { get; }

    public int InChannels => _channels[NetworkGraph.Input];

    public int OutChannels => _channels[^1];

    /// <summary>The parameters the caller quantizes its input with.</summary>
    public QuantizationParameters Input => Parameters.Input;

    /// <summary>The parameters the output is in.</summary>
    public QuantizationParameters Output => Parameters.Output;

    public string BackendName { get; }

    /// <summary>The number of convolutions.</summary>
    public int LayerCount => Parameters.Layers.Count;

    public TensorShape OutputShape(TensorShape input) => Shapes(input)[^1];

    public void Forward(ReadOnlySpan<T> input, Span<T> output, int batch, int height, int width)
    {
        TensorShape inShape = new(batch, InChannels, height, width);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            // Under the lock: the planned shapes are read here. A warm call allocates nothing.
            TensorShape outShape = _planned == (batch, height, width) && _shapes.Length > 0 ? _shapes[^1] : OutputShape(inShape);
            if (input.Length != inShape.Length) throw new ArgumentException($"input must hold {inShape.ToString(Layout)} = {inShape.Length} values, got {input.Length}", nameof(input));
            if (output.Length != outShape.Length) throw new ArgumentException($"output must hold {outShape.ToString(Layout)} = {outShape.Length} values, got {output.Length}", nameof(output));
            if (input.Overlaps(output)) throw new ArgumentException("input and output must not overlap", nameof(output));
            Plan(inShape);
            fixed (T* x = input)
            fixed (T* y = output)
            {
                if (Layout == TensorLayout.Nchw) NhwcOps.Transpose(x, At(_values, x, y, NetworkGraph.Input), batch, InChannels, height * width);
                for (int i = 0; i < _steps.Count; i++)
                {
                    GraphOp step = _steps[i];
                    int[] reads = _inputs[i];
                    TensorShape from = _shapes[reads[0]], to = _shapes[step.Output];
                    switch (_runners[i])
                    {
                        case QuantizedConv2dLayer<T> layer:
                            layer.Forward(new ReadOnlySpan<T>(At(_values, x, y, reads[0]), (int)from.Length), new Span<T>(At(_values, x, y, step.Output), (int)to.Length),
                                batch, from.Height, from.Width);
                            break;
                        case QuantizedAdd add:
                            add.Run((byte*)At(_values, x, y, reads[0]), (byte*)At(_values, x, y, reads[1]), (byte*)At(_values, x, y, step.Output), to.Length);
                            break;
                        case QuantizedAveragePool pool:
                            pool.Run((byte*)At(_values, x, y, reads[0]), (byte*)At(_values, x, y, step.Output), from);
                            break;
                    }
                }
                if (Layout == TensorLayout.Nchw)
                    NhwcOps.Transpose(At(_values, x, y, _channels.Count - 1), y, batch, outShape.Height * outShape.Width, OutChannels);
            }
        }
    }

    /// <summary>Where a value lives: its planned buffer, or the caller's input or output.</summary>
    private static T* At(T*[] values, T* input, T* output, int value) =>
        values[value] != null ? values[value] : value == NetworkGraph.Input ? input : output;

    /// <summary>Every value's shape for an input, or an exception naming the operation that cannot take its input.</summary>
    private TensorShape[] Shapes(TensorShape input)
    {
        if (input.Channels != InChannels) throw new ArgumentException($"the network takes {InChannels} channels, not {input.Channels}", nameof(input));
        var shapes = new TensorShape[_channels.Count];
        shapes[NetworkGraph.Input] = input;
        foreach (GraphOp step in _steps)
        {
            TensorShape x = shapes[step.Inputs[0]];
            shapes[step.Output] = step switch
            {
                QuantizedConvStep c => c.Definition.Weights.Spec.Geometry(x.Batch, x.Height, x.Width) is var g
                    ? new TensorShape(g.Batch, g.OutChannels, g.OutHeight, g.OutWidth) : default,
                QuantizedAddStep a => shapes[a.Right] == x ? x : throw new ArgumentException($"input {input}: '{a.Name}' adds {x} and {shapes[a.Right]}", nameof(input)),
                _ => x with { Height = 1, Width = 1 },
            };
        }
        return shapes;
    }

    /// <summary>
    /// Buffers for one input shape, made once and kept for the latest: values share buffers by liveness
    /// (<see cref="BufferPlanner"/>), each 64-byte aligned with XNNPACK's read slack after it.
    /// </summary>
    private void Plan(TensorShape input)
    {
        if (_memory != 0 && _planned == (input.Batch, input.Height, input.Width)) return;
        TensorShape[] shapes = Shapes(input);
        bool callers = Layout == TensorLayout.Nhwc;
        var (storage, lengths) = BufferPlanner.Assign(_steps, _channels.Count, _channels.Count - 1, shapes, callers, callers);
        var offsets = new long[lengths.Length];
        long total = 0;
        for (int b = 0; b < lengths.Length; b++)
        {
            offsets[b] = total;
            total += ((long)lengths[b] * sizeof(T) + 64 + 63) / 64 * 64;
        }
        if (_memory != 0) NativeMemory.AlignedFree((void*)_memory);
        _memory = (nint)NativeMemory.AlignedAlloc((nuint)Math.Max(total, 64), 64);
        _values = new T*[_channels.Count];
        for (int v = 0; v < storage.Length; v++)
            _values[v] = storage[v] >= 0 ? (T*)((byte*)_memory + offsets[storage[v]]) : null;
        foreach (object? runner in _runners)
            if (runner is QuantizedAveragePool pool) pool.Prepare(_channels.Max());
        _shapes = shapes;
        _planned = (input.Batch, input.Height, input.Width);
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
        var steps = layers.Select((l, i) => (GraphOp)new QuantizedConvStep($"layer {i}", i, i + 1, l)).ToList();
        var channels = new List<int> { layers[0].Weights.Spec.InChannels };
        channels.AddRange(layers.Select(l => l.Weights.Spec.OutChannels));
        return new QuantizedNetworkParameters(steps, channels, layers[0].Input, layers[^1].Output);
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            foreach (object? runner in _runners) (runner as IDisposable)?.Dispose();
            if (_memory != 0) NativeMemory.AlignedFree((void*)_memory);
            _memory = 0;
        }
    }
}
