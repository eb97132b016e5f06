using System.Numerics;
using System.Runtime.InteropServices;

namespace NativeConv;

/// <summary>
/// Runs a quantized network's steps on data of type <typeparamref name="T"/> in NHWC: convolutions as
/// <see cref="QuantizedConv2dLayer{T}"/>s, adds and pools as managed code, between buffers planned once per
/// input shape (a value's buffer is reused after its last reader); NCHW callers' data is transposed at the
/// edges only, in 16x16 byte blocks (<see cref="ByteBlockTranspose"/>; without SSE2, by the backend's own transpose). Not
/// thread-safe and unchecked: <see cref="QuantizedNetwork{T}"/> checks and serializes calls.
/// </summary>
internal sealed unsafe class QuantizedGraphRunner<T> : IDisposable where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T>
{
    private readonly IReadOnlyList<GraphOp> _steps;
    private readonly IReadOnlyList<int> _channels;
    private readonly TensorLayout _layout;
    private readonly ConvBackend _backend;
    private ILayoutTransform? _inputTransform; // NCHW callers: per planned shape
    private ILayoutTransform? _outputTransform;
    private readonly object?[] _runners; // per step: its layer, add or pool
    private readonly int[][] _inputs; // per step, the values it reads (read once: GraphOp.Inputs makes a new list per call)
    private nint _memory;
    private T*[] _values = []; // per value, where it lives for the planned shape (null: the caller's buffers)
    private TensorShape[] _shapes = [];
    private (int N, int H, int W) _planned;

    public QuantizedGraphRunner(QuantizedNetworkParameters parameters, ConvBackend backend, TensorLayout layout)
    {
        _steps = parameters.Steps;
        _channels = parameters.Channels;
        _layout = layout;
        _backend = backend;
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
    }

    /// <summary>The output shape: the planned one when the input is the planned shape (no allocation), else computed.</summary>
    public TensorShape OutputShape(TensorShape input) =>
        _planned == (input.Batch, input.Height, input.Width) && _shapes.Length > 0 && _shapes[0] == input ? _shapes[^1] : Shapes(input)[^1];

    /// <summary>Runs on checked, non-overlapping buffers of the input's and output's exact lengths.</summary>
    public void Run(T* x, T* y, TensorShape input)
    {
        Plan(input);
        _inputTransform?.Run(x, At(_values, x, y, NetworkGraph.Input));
        for (int i = 0; i < _steps.Count; i++)
        {
            int[] reads = _inputs[i];
            int written = _steps[i].Output;
            TensorShape from = _shapes[reads[0]], to = _shapes[written];
            switch (_runners[i])
            {
                case QuantizedConv2dLayer<T> layer:
                    layer.Forward(new ReadOnlySpan<T>(At(_values, x, y, reads[0]), (int)from.Length), new Span<T>(At(_values, x, y, written), (int)to.Length),
                        input.Batch, from.Height, from.Width);
                    break;
                case QuantizedAdd add:
                    add.Run((byte*)At(_values, x, y, reads[0]), (byte*)At(_values, x, y, reads[1]), (byte*)At(_values, x, y, written), to.Length);
                    break;
                case QuantizedAveragePool pool:
                    pool.Run((byte*)At(_values, x, y, reads[0]), (byte*)At(_values, x, y, written), from);
                    break;
            }
        }
        _outputTransform?.Run(At(_values, x, y, _channels.Count - 1), y);
    }

    /// <summary>Where a value lives: its planned buffer, or the caller's input or output.</summary>
    private static T* At(T*[] values, T* input, T* output, int value) =>
        values[value] != null ? values[value] : value == NetworkGraph.Input ? input : output;

    /// <summary>Every value's shape for an input, or an exception naming the operation that cannot take its input.</summary>
    private TensorShape[] Shapes(TensorShape input)
    {
        var shapes = new TensorShape[_channels.Count];
        shapes[NetworkGraph.Input] = input;
        for (int i = 0; i < _steps.Count; i++)
        {
            GraphOp step = _steps[i];
            TensorShape x = shapes[_inputs[i][0]];
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
    /// (<see cref="BufferLayout"/>), each 64-byte aligned with XNNPACK's read slack after it.
    /// </summary>
    private void Plan(TensorShape input)
    {
        if (_memory != 0 && _planned == (input.Batch, input.Height, input.Width)) return;
        TensorShape[] shapes = Shapes(input);
        bool callers = _layout == TensorLayout.Nhwc;
        (int[] storage, int[] lengths) = BufferLayout.For(_steps, _channels.Count, _channels.Count - 1, shapes, callers, callers);
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
        _inputTransform?.Dispose();
        _outputTransform?.Dispose();
        _inputTransform = _outputTransform = null;
        if (!callers)
        {
            TensorShape output = shapes[^1];
            _inputTransform = Transform(input.Batch, input.Channels, input.Height * input.Width);
            _outputTransform = Transform(output.Batch, output.Height * output.Width, output.Channels);
        }
        _shapes = shapes;
        _planned = (input.Batch, input.Height, input.Width);
    }

    private ILayoutTransform Transform(int batch, int rows, int columns) =>
        ByteBlockTranspose.Suits(rows, columns) ? new ByteBlockTranspose(batch, rows, columns) // faster than either library's byte transpose
            : _backend.CreateLayoutTransform(batch, rows, columns, sizeof(byte)) ?? new ManagedLayoutTransform(batch, rows, columns, sizeof(byte));

    public void Dispose()
    {
        _inputTransform?.Dispose();
        _outputTransform?.Dispose();
        foreach (object? runner in _runners) (runner as IDisposable)?.Dispose();
        if (_memory != 0) NativeMemory.AlignedFree((void*)_memory);
        _memory = 0;
    }
}
