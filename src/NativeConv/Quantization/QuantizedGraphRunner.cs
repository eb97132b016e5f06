using System.Numerics;
using System.Runtime.InteropServices;

namespace NativeConv;

/// <summary>
/// Runs a quantized network's graph on data of type <typeparamref name="T"/> in NHWC, each operation its quantized
/// lowering (<see cref="IQuantizedOperation"/>: convolutions as <see cref="QuantizedConv2dLayer{T}"/>s, adds and pools as
/// managed code), between buffers planned once per
/// input shape (a value's buffer is reused after its last reader); NCHW callers' data is transposed at the
/// edges only, in 16x16 byte blocks (<see cref="ByteBlockTranspose"/>; without SSE2, by the backend's own transpose). Not
/// thread-safe and unchecked: <see cref="QuantizedNetwork{T}"/> checks and serializes calls.
/// </summary>
internal sealed unsafe class QuantizedGraphRunner<T> : IDisposable where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T>
{
    private readonly NetworkGraph _graph;
    private readonly TensorLayout _layout;
    private readonly ConvBackend _backend;
    private readonly IQuantizedStep[] _steps;
    private ILayoutTransform? _inputTransform; // NCHW callers: per planned shape
    private ILayoutTransform? _outputTransform;
    private nint _memory;
    private void*[] _values = []; // per value, where it lives for the planned shape (null: the caller's buffers)
    private TensorShape[] _shapes = [];
    private (int N, int H, int W) _planned;

    public QuantizedGraphRunner(QuantizedNetworkParameters parameters, ConvBackend backend, TensorLayout layout)
    {
        _graph = parameters.Graph;
        _layout = layout;
        _backend = backend;
        _steps = new IQuantizedStep[_graph.Ops.Count];
        try
        {
            for (int i = 0; i < _steps.Length; i++)
                _steps[i] = ((IQuantizedOperation)_graph.Ops[i]).LowerQuantized<T>(parameters, i, backend); // calibration refused any other
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The output shape: the planned one when the input is the planned shape (no allocation), else computed.</summary>
    public TensorShape OutputShape(TensorShape input) =>
        _planned == (input.Batch, input.Height, input.Width) && _shapes.Length > 0 && _shapes[_graph.Input] == input
            ? _shapes[_graph.Output] : _graph.Shapes([input], _layout)[_graph.Output];

    /// <summary>Runs on checked, non-overlapping buffers of the input's and output's exact lengths.</summary>
    public void Run(T* x, T* y, TensorShape input)
    {
        Plan(input);
        void** values = stackalloc void*[_values.Length];
        for (int v = 0; v < _values.Length; v++) values[v] = _values[v] != null ? _values[v] : v == _graph.Input ? x : y;
        _inputTransform?.Run(x, values[_graph.Input]);
        foreach (IQuantizedStep step in _steps) step.Run(values, _shapes);
        _outputTransform?.Run(values[_graph.Output], y);
    }

    /// <summary>
    /// Buffers for one input shape, made once and kept for the latest: values share buffers by liveness
    /// (<see cref="BufferLayout"/>, as the float networks plan theirs), each 64-byte aligned with XNNPACK's read slack after it.
    /// </summary>
    private void Plan(TensorShape input)
    {
        if (_memory != 0 && _planned == (input.Batch, input.Height, input.Width)) return;
        TensorShape[] shapes = _graph.Shapes([input], _layout);
        bool callers = _layout == TensorLayout.Nhwc;
        (int[] storage, int[] lengths) = BufferLayout.For(_graph, shapes, [callers], [callers]);
        var offsets = new long[lengths.Length];
        long total = 0;
        for (int b = 0; b < lengths.Length; b++)
        {
            offsets[b] = total;
            total += ((long)lengths[b] * sizeof(T) + 64 + 63) / 64 * 64;
        }
        if (_memory != 0) NativeMemory.AlignedFree((void*)_memory);
        _memory = (nint)NativeMemory.AlignedAlloc((nuint)Math.Max(total, 64), 64);
        _values = new void*[_graph.ValueCount];
        for (int v = 0; v < storage.Length; v++)
            _values[v] = storage[v] >= 0 ? (byte*)_memory + offsets[storage[v]] : null;
        foreach (IQuantizedStep step in _steps) step.Prepare(shapes);
        _inputTransform?.Dispose();
        _outputTransform?.Dispose();
        _inputTransform = _outputTransform = null;
        if (!callers)
        {
            TensorShape output = shapes[_graph.Output];
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
        foreach (IQuantizedStep? step in _steps ?? []) step?.Dispose();
        if (_memory != 0) NativeMemory.AlignedFree((void*)_memory);
        _memory = 0;
    }
}
