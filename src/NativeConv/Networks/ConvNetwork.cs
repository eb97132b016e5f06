using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace NativeConv;

/// <summary>
/// A network from an ordered list of blocks. Defined once: the chain of channels is checked at
/// construction (a mismatch names both blocks and both shapes), every convolution's weights are packed
/// or reordered once, and per input shape the intermediate buffers are planned once (ping-pong plus what
/// residuals need, 64-byte aligned), so a warm call allocates nothing. Tensors stay NHWC between layers,
/// the layout both libraries run natively: NCHW or NHWC in and out, the caller's choice, converted only
/// at the network's edges. Calls on one network take turns.
/// <para>
/// On one backend it runs as given (residual adds fused into the convolution before them where the
/// backend can: oneDNN's sum post-op). Over several backends (<see cref="ConvBackends"/>) it plans per
/// input shape (<see cref="NetworkPlanner"/>): the first calls for a shape (<see cref="NativeConvOptions.Planning"/>: each
/// call one candidate, or all in the first call) measure the candidates side by
/// side — each backend alone, with and without fused residual sums, and the per-operation fastest mix —
/// and keep the fastest (for a batch of more than one image, then also how to run the batch: all at once,
/// image by image, or the images shared between threads, see <see cref="BatchMode"/>); or it runs a plan given to
/// it, if that plan fits this network, machine and version (else it says why in <see cref="PlanRejection"/> and measures),
/// or the plan for the shape kept in <see cref="NativeConvOptions.PlanDirectory"/> by an earlier network (see <see cref="PlanFileProblem"/>).
/// </para>
/// </summary>
public sealed class ConvNetwork : ILayer
{
    private readonly Lock _gate = new();
    private readonly NetworkPlanner _planner;
    private readonly ShapeCache<ShapeRun> _runs;
    private readonly ShapeCache<ShapeMeasurement> _measuring = new(capacity: 8); // shapes whose plan is still being measured
    private bool _disposed;

    /// <summary>The network on one backend.</summary>
    public ConvNetwork(IEnumerable<NetworkBlock> blocks, ConvBackend backend, TensorLayout layout = TensorLayout.Nchw)
        : this(blocks, backend, layout, ConvPrecision.Float32)
    {
    }

    /// <summary>
    /// The network on one backend, its convolutions in <paramref name="precision"/> (BFloat16: oneDNN on AVX512_BF16 or AMX;
    /// DynamicInt8: XNNPACK, its pointwise convolutions quantizing their input per call, the others float32).
    /// </summary>
    public ConvNetwork(IEnumerable<NetworkBlock> blocks, ConvBackend backend, TensorLayout layout, ConvPrecision precision)
        : this(blocks, layout, graph => NetworkPlanner.Single(graph, backend ?? throw new ArgumentNullException(nameof(backend)), precision))
    {
    }

    /// <summary>
    /// The network planned over <paramref name="candidates"/> of <paramref name="backends"/> (default: the
    /// registered ones except the reference that are available here), measured per input shape on its first
    /// call, or following <paramref name="plan"/> when it fits.
    /// </summary>
    /// <param name="allowMixed">
    /// Whether the per-operation mix of libraries may be chosen when it measures fastest (it is measured either way);
    /// both libraries share one thread team, so mixing costs no pool wake-up.
    /// </param>
    public ConvNetwork(IEnumerable<NetworkBlock> blocks, ConvBackends backends, TensorLayout layout = TensorLayout.Nchw,
        NetworkPlan? plan = null, IEnumerable<string>? candidates = null, bool allowMixed = true)
        : this(blocks, layout, graph => NetworkPlanner.Measured(graph, backends ?? throw new ArgumentNullException(nameof(backends)), plan, candidates, allowMixed))
    {
    }

    /// <summary>
    /// The network on one backend, run as <paramref name="execution"/> says: <see cref="NetworkExecution.Whole"/> hands it to
    /// the backend as one native object (XNNPACK's subgraph runtime; another backend throws <see cref="NotSupportedException"/>).
    /// </summary>
    public ConvNetwork(IEnumerable<NetworkBlock> blocks, ConvBackend backend, TensorLayout layout, NetworkExecution execution)
        : this(blocks, layout, graph => NetworkPlanner.Single(graph, backend ?? throw new ArgumentNullException(nameof(backend)), ConvPrecision.Float32,
            execution is NetworkExecution.Operations or NetworkExecution.Whole ? execution
                : throw new ArgumentOutOfRangeException(nameof(execution), execution, "must be Operations or Whole")))
    {
    }

    private ConvNetwork(IEnumerable<NetworkBlock> blocks, TensorLayout layout, Func<NetworkGraph, NetworkPlanner> planner)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        ConvArguments.CheckLayout(layout);
        Blocks = blocks.ToList();
        if (Blocks.Count == 0) throw new ArgumentException("a network needs at least one block", nameof(blocks));
        for (int i = 0; i < Blocks.Count; i++)
        {
            ArgumentNullException.ThrowIfNull(Blocks[i], $"{nameof(blocks)}[{i}]");
            if (i > 0 && Blocks[i].InChannels != Blocks[i - 1].OutChannels)
                throw new ArgumentException($"'{Blocks[i].Name}' takes (N, {Blocks[i].InChannels}, H, W), but '{Blocks[i - 1].Name}' gives (N, {Blocks[i - 1].OutChannels}, H, W)", nameof(blocks));
        }
        var graph = new NetworkGraph(Blocks[0].InChannels);
        int value = NetworkGraph.Input;
        foreach (NetworkBlock block in Blocks) value = block.AddTo(graph, value);
        Layout = layout;
        Graph = graph;
        _planner = planner(graph);
        try
        {
            _ = _planner.Default; // weights packed now, and a backend that cannot run the network says so now
        }
        catch
        {
            _planner.Dispose();
            throw;
        }
        _runs = new ShapeCache<ShapeRun>(capacity: 8); // runs are planned with the caller's data: added, not made by the cache
    }

    public IReadOnlyList<NetworkBlock> Blocks { get; }

    public TensorLayout Layout { get; }

    internal NetworkGraph Graph { get; }

    /// <summary>The backend's name, or "auto" when planned over several.</summary>
    public string BackendName => _planner.Name;

    /// <summary>Why the plan given to the constructor was not used (null: none given, or it was used).</summary>
    public string? PlanRejection => _planner.Rejection;

    /// <summary>
    /// The latest problem with <see cref="NativeConvOptions.PlanDirectory"/>: a plan file that could not be read or did
    /// not fit (the shape was measured again and the file replaced), or a measured plan that could not be saved (it
    /// is used all the same); null when there was none.
    /// </summary>
    public string? PlanFileProblem
    {
        get
        {
            lock (_gate) return _planner.PlanFileProblem;
        }
    }

    public int InChannels => Blocks[0].InChannels;

    public int OutChannels => Blocks[^1].OutChannels;

    /// <summary>Operations the blocks lowered into (convolutions, residual adds, pools, scales), before fusion.</summary>
    public int OperationCount => Graph.Ops.Count;

    public TensorShape OutputShape(TensorShape input) => ShapePlan.ShapesFor(Graph, input, Layout, out _)[^1];

    /// <summary>Multiply-accumulates of the convolutions for <paramref name="input"/> (the small operations are not counted).</summary>
    public long MultiplyAccumulates(TensorShape input)
    {
        ShapePlan.ShapesFor(Graph, input, Layout, out ConvGeometry[] geometries);
        long total = 0;
        for (int i = 0; i < Graph.Ops.Count; i++)
            if (Graph.Ops[i] is ConvOp conv)
                total += (long)geometries[i].Batch * geometries[i].OutHeight * geometries[i].OutWidth * conv.Spec.OutChannels * conv.Spec.WeightsPerOutputChannel;
        return total;
    }

    /// <summary>
    /// The plan in use for an input shape, once chosen: after the first call with that shape, or, while the shape is
    /// measured over its first calls (<see cref="PlanningMode.WhileServing"/>), once the measuring has chosen (null before).
    /// </summary>
    public NetworkPlan? PlanFor(int batch, int height, int width)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _runs.TryGet(batch, height, width, out ShapeRun? run) ? run!.Plan : null;
        }
    }

    /// <summary>One line per operation, as last run: what runs it (the implementation that ran, once a call was made).</summary>
    public IReadOnlyList<string> Describe()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _runs.Last?.Describe() ?? _planner.Default.Describe().ToList();
        }
    }

    /// <summary>
    /// Runs the network on <paramref name="input"/> of (batch, <see cref="InChannels"/>, height, width) in
    /// <see cref="Layout"/>; <paramref name="output"/> receives <see cref="OutputShape"/> in the same layout.
    /// </summary>
    public unsafe void Forward(ReadOnlySpan<float> input, Span<float> output, int batch, int height, int width)
    {
        lock (_gate)
        {
            ShapeRun? run = Prepare(input, output, batch, height, width, out ShapeMeasurement? measuring);
            fixed (float* x = input)
            fixed (float* y = output)
            {
                run ??= Measure(measuring!, batch, height, width, x, y, untilChosen: _planner.Planning == PlanningMode.FirstCall);
                run?.Run(Layout, x, y); // null: a candidate under measurement ran the call
            }
        }
    }

    /// <summary>
    /// The plan for the shape of this call, chosen now: a shape still being measured over its calls is measured to the
    /// end in this call (on the caller's data; the output is the chosen plan's result). For a service that would rather
    /// measure at start-up than serve its first requests at the candidates' mixed speed.
    /// </summary>
    public unsafe NetworkPlan ChoosePlan(ReadOnlySpan<float> input, Span<float> output, int batch, int height, int width)
    {
        lock (_gate)
        {
            ShapeRun? run = Prepare(input, output, batch, height, width, out ShapeMeasurement? measuring);
            fixed (float* x = input)
            fixed (float* y = output)
            {
                run ??= Measure(measuring!, batch, height, width, x, y, untilChosen: true)!;
                run.Run(Layout, x, y);
            }
            return run.Plan;
        }
    }

    /// <summary>
    /// Checks the call, and finds or makes the run for its shape; or, while the shape's plan is measured, returns null and
    /// the measurement in <paramref name="measuring"/>. Under the lock.
    /// </summary>
    private ShapeRun? Prepare(ReadOnlySpan<float> input, Span<float> output, int batch, int height, int width, out ShapeMeasurement? measuring)
    {
        if (batch < 1) throw new ArgumentOutOfRangeException(nameof(batch), batch, "must be at least 1");
        if (height < 1) throw new ArgumentOutOfRangeException(nameof(height), height, "must be at least 1");
        if (width < 1) throw new ArgumentOutOfRangeException(nameof(width), width, "must be at least 1");
        ObjectDisposedException.ThrowIf(_disposed, this);
        measuring = null;
        if (_runs.TryGet(batch, height, width, out ShapeRun? run))
        {
            Check(run!.Input, run.Output, input, output);
            return run;
        }
        if (_measuring.TryGet(batch, height, width, out measuring))
        {
            Check(measuring!.Input, measuring.Output, input, output);
            return null;
        }
        var shape = new TensorShape(batch, InChannels, height, width);
        TensorShape[] shapes = ShapePlan.ShapesFor(Graph, shape, Layout, out _); // the shape chain, before anything native
        Check(shapes[0], shapes[^1], input, output);
        run = _planner.Plan(shape, shapes[^1], Layout, out measuring);
        if (run is not null) _runs.Add(batch, height, width, run);
        else _measuring.Add(batch, height, width, measuring!);
        return run;
    }

    /// <summary>
    /// The call run by <paramref name="measuring"/> (one candidate's run; with <paramref name="untilChosen"/>, as many as it
    /// takes to choose): null, or the chosen run once there is one, kept for the shape from then on and not yet run for
    /// this call. A failure ends the measurement: the next call for the shape starts it again.
    /// </summary>
    private unsafe ShapeRun? Measure(ShapeMeasurement measuring, int batch, int height, int width, float* input, float* output, bool untilChosen)
    {
        try
        {
            do
            {
                if (measuring.Call(input, output) is { } chosen)
                {
                    _measuring.Remove(batch, height, width);
                    _runs.Add(batch, height, width, chosen);
                    return chosen;
                }
            }
            while (untilChosen);
            return null;
        }
        catch
        {
            _measuring.Remove(batch, height, width);
            measuring.Dispose();
            throw;
        }
    }

    private void Check(TensorShape inShape, TensorShape outShape, ReadOnlySpan<float> input, Span<float> output)
    {
        if (input.Length != inShape.Length)
            throw new ArgumentException($"input must hold {inShape.ToString(Layout)} = {inShape.Length} values, got {input.Length}", nameof(input));
        if (output.Length != outShape.Length)
            throw new ArgumentException($"output must hold {outShape.ToString(Layout)} = {outShape.Length} values, got {output.Length}", nameof(output));
        if (input.Overlaps(output)) throw new ArgumentException("input and output must not overlap", nameof(output));
    }

    /// <summary>
    /// Runs <paramref name="calls"/> times (after one warm call) and returns the mean µs each operation
    /// took, with what ran it; the NCHW transposes at the edges are the last two rows. For finding where
    /// time goes; the timing adds a clock read per operation. A batch that runs image by image counts the images
    /// the calling thread runs (all of them, or its share when the images are shared between threads); operations run in
    /// row bands across threads count together, on the last of them.
    /// </summary>
    public unsafe IReadOnlyList<(string Operation, string RunsOn, double Microseconds)> Profile(ReadOnlySpan<float> input, Span<float> output,
        int batch, int height, int width, int calls)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(calls, 1);
        ChoosePlan(input, output, batch, height, width); // checks everything, plans, makes native state
        lock (_gate)
        {
            ShapeRun run = Prepare(input, output, batch, height, width, out _)!;
            var ticks = new long[run.Program.Graph.Ops.Count + 2];
            fixed (float* x = input)
            fixed (float* y = output)
            {
                for (int c = 0; c < calls; c++) run.Run(Layout, x, y, ticks);
            }
            IReadOnlyList<string> runsOn = run.Describe();
            double perTick = 1e6 / System.Diagnostics.Stopwatch.Frequency / calls;
            var rows = new List<(string, string, double)>();
            for (int i = 0; i < run.Program.Graph.Ops.Count; i++) rows.Add((run.Program.Graph.Ops[i].Name, runsOn[i], ticks[i] * perTick));
            rows.Add(("input transpose (NCHW -> NHWC)", run.Buffers.InputTransform?.GetType().Name ?? (run.Buffers.StemReadsNchw ? "none (the first convolution reads NCHW)" : "none (NHWC)"), ticks[^2] * perTick));
            rows.Add(("output transpose (NHWC -> NCHW)", run.Buffers.OutputTransform?.GetType().Name ?? "none (NHWC)", ticks[^1] * perTick));
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
            _runs.Dispose();
            _measuring.Dispose();
            _planner.Dispose();
        }
    }
}
