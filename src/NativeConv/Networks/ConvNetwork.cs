using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace NativeConv;

/// <summary>
/// A network from an ordered list of blocks, run on one backend. Defined once: the chain of channels is
/// checked at construction (a mismatch names both blocks and both shapes), every convolution's weights
/// are packed or reordered once, and per input shape the intermediate buffers are planned once
/// (ping-pong plus what residuals need, 64-byte aligned), so a warm call allocates nothing.
/// Tensors stay in the backend's native layout (NHWC) between layers: NCHW or NHWC in and out, the
/// caller's choice, converted only at the network's edges. Calls on one network take turns.
/// </summary>
public sealed class ConvNetwork : ILayer
{
    private readonly Lock _gate = new();
    private readonly NetworkGraph _graph;
    private readonly OperatorRunner _runner;
    private readonly ShapeCache<ShapePlan> _plans;
    private bool _disposed;

    public ConvNetwork(IEnumerable<NetworkBlock> blocks, ConvBackend backend, TensorLayout layout = TensorLayout.Nchw)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        ArgumentNullException.ThrowIfNull(backend);
        ConvArguments.CheckLayout(layout);
        Blocks = blocks.ToList();
        if (Blocks.Count == 0) throw new ArgumentException("a network needs at least one block", nameof(blocks));
        for (int i = 0; i < Blocks.Count; i++)
        {
            ArgumentNullException.ThrowIfNull(Blocks[i], $"{nameof(blocks)}[{i}]");
            if (i > 0 && Blocks[i].InChannels != Blocks[i - 1].OutChannels)
                throw new ArgumentException($"'{Blocks[i].Name}' takes (N, {Blocks[i].InChannels}, H, W), but '{Blocks[i - 1].Name}' gives (N, {Blocks[i - 1].OutChannels}, H, W)", nameof(blocks));
        }
        _graph = new NetworkGraph(Blocks[0].InChannels);
        int value = NetworkGraph.Input;
        foreach (NetworkBlock block in Blocks) value = block.AddTo(_graph, value);
        Layout = layout;
        BackendName = backend.Name;
        _runner = new OperatorRunner(_graph, backend);
        _plans = new ShapeCache<ShapePlan>((n, h, w) => new ShapePlan(_graph, new TensorShape(n, InChannels, h, w), Layout), capacity: 8);
    }

    public IReadOnlyList<NetworkBlock> Blocks { get; }

    public TensorLayout Layout { get; }

    public string BackendName { get; }

    public int InChannels => Blocks[0].InChannels;

    public int OutChannels => Blocks[^1].OutChannels;

    /// <summary>Operations the blocks lowered into (convolutions, residual adds, pools, scales).</summary>
    public int OperationCount => _graph.Ops.Count;

    public TensorShape OutputShape(TensorShape input) => ShapePlan.ShapesFor(_graph, input, Layout, out _)[^1];

    /// <summary>Multiply-accumulates of the convolutions for <paramref name="input"/> (the small operations are not counted).</summary>
    public long MultiplyAccumulates(TensorShape input)
    {
        ShapePlan.ShapesFor(_graph, input, Layout, out ConvGeometry[] geometries);
        long total = 0;
        for (int i = 0; i < _graph.Ops.Count; i++)
            if (_graph.Ops[i] is ConvOp conv)
                total += (long)geometries[i].Batch * geometries[i].OutHeight * geometries[i].OutWidth * conv.Spec.OutChannels * conv.Spec.WeightsPerOutputChannel;
        return total;
    }

    /// <summary>One line per operation: what runs it (the implementation that ran, once a call was made).</summary>
    public IReadOnlyList<string> Describe()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _runner.Describe().ToList();
        }
    }

    /// <summary>
    /// Runs the network on <paramref name="input"/> of (batch, <see cref="InChannels"/>, height, width) in
    /// <see cref="Layout"/>; <paramref name="output"/> receives <see cref="OutputShape"/> in the same layout.
    /// </summary>
    public unsafe void Forward(ReadOnlySpan<float> input, Span<float> output, int batch, int height, int width)
    {
        if (batch < 1) throw new ArgumentOutOfRangeException(nameof(batch), batch, "must be at least 1");
        if (height < 1) throw new ArgumentOutOfRangeException(nameof(height), height, "must be at least 1");
        if (width < 1) throw new ArgumentOutOfRangeException(nameof(width), width, "must be at least 1");
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            ShapePlan plan = _plans.Get(batch, height, width); // checks the shape chain before anything native
            if (input.Length != plan.Input.Length)
                throw new ArgumentException($"input must hold {plan.Input.ToString(Layout)} = {plan.Input.Length} values, got {input.Length}", nameof(input));
            if (output.Length != plan.Output.Length)
                throw new ArgumentException($"output must hold {plan.Output.ToString(Layout)} = {plan.Output.Length} values, got {output.Length}", nameof(output));
            if (input.Overlaps(output)) throw new ArgumentException("input and output must not overlap", nameof(output));
            fixed (float* x = input)
            fixed (float* y = output)
            {
                _runner.Run(plan, Layout, x, y);
            }
        }
    }

    /// <summary>
    /// Runs <paramref name="calls"/> times (after one warm call) and returns the mean µs each operation
    /// took, with what ran it; the NCHW transposes at the edges are the last two rows. For finding where
    /// time goes; the timing adds a clock read per operation.
    /// </summary>
    public unsafe IReadOnlyList<(string Operation, string RunsOn, double Microseconds)> Profile(ReadOnlySpan<float> input, Span<float> output,
        int batch, int height, int width, int calls)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(calls, 1);
        Forward(input, output, batch, height, width); // checks everything, makes the plan and native state
        var ticks = new long[_graph.Ops.Count + 2];
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            ShapePlan plan = _plans.Get(batch, height, width);
            fixed (float* x = input)
            fixed (float* y = output)
            {
                for (int c = 0; c < calls; c++) _runner.Run(plan, Layout, x, y, ticks);
            }
            List<string> runsOn = _runner.Describe().ToList();
            double perTick = 1e6 / System.Diagnostics.Stopwatch.Frequency / calls;
            var rows = new List<(string, string, double)>();
            for (int i = 0; i < _graph.Ops.Count; i++) rows.Add((_graph.Ops[i].Name, runsOn[i], ticks[i] * perTick));
            rows.Add(("input transpose (NCHW -> NHWC)", "managed", ticks[^2] * perTick));
            rows.Add(("output transpose (NHWC -> NCHW)", "managed", ticks[^1] * perTick));
            return rows;
        }
    }

    /// <summary>
    /// The same on tensor spans that carry their shape: dense, rank 4, in <see cref="Layout"/>
    /// (NCHW: [N, C, H, W]; NHWC: [N, H, W, C]). The span overloads stay the primary API.
    /// </summary>
    public void Forward(ReadOnlyTensorSpan<float> input, TensorSpan<float> output)
    {
        TensorShape inputShape = ShapeOf(input.Lengths, input.IsDense, nameof(input));
        TensorShape outputShape = ShapeOf(output.Lengths, output.IsDense, nameof(output));
        TensorShape expected = OutputShape(inputShape);
        if (outputShape != expected)
            throw new ArgumentException($"output is {outputShape.ToString(Layout)}, the network makes {expected.ToString(Layout)} from {inputShape.ToString(Layout)}", nameof(output));
        Forward(MemoryMarshal.CreateReadOnlySpan(in input.GetPinnableReference(), inputShape.Length),
            MemoryMarshal.CreateSpan(ref output.GetPinnableReference(), outputShape.Length), inputShape.Batch, inputShape.Height, inputShape.Width);
    }

    private TensorShape ShapeOf(ReadOnlySpan<nint> lengths, bool dense, string argument)
    {
        if (lengths.Length != 4) throw new ArgumentException($"must have rank 4 ({Layout}), not {lengths.Length}", argument);
        if (!dense) throw new ArgumentException("must be dense (contiguous, no broadcast strides)", argument);
        foreach (nint length in lengths)
            if (length < 1 || length > int.MaxValue) throw new ArgumentException($"has a dimension of {length}", argument);
        return Layout == TensorLayout.Nchw
            ? new TensorShape((int)lengths[0], (int)lengths[1], (int)lengths[2], (int)lengths[3])
            : new TensorShape((int)lengths[0], (int)lengths[3], (int)lengths[1], (int)lengths[2]);
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            _plans.Dispose();
            _runner.Dispose();
        }
    }
}
