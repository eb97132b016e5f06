using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace NativeConv;

/// <summary>
/// A network from an ordered list of blocks, run as <see cref="NetworkOptions"/> say. Defined once: the chain of
/// channels is checked at construction (a mismatch names both blocks and both shapes), every convolution's weights
/// are checked and copied once, and per input shape the intermediate buffers are planned once (ping-pong plus what
/// residuals need, 64-byte aligned), so a warm call allocates nothing. Tensors stay NHWC between layers, the layout
/// both libraries run natively: NCHW or NHWC in and out, the caller's choice, converted only at the network's edges.
/// Calls on one network take turns.
/// <para>
/// With <see cref="NetworkOptions.Auto"/> over several backends, the first call for an input shape measures the
/// candidates within the planning budget and keeps the fastest (<see cref="Planner"/>); every later call for that
/// shape runs the chosen plan. <see cref="Plan"/> does the same ahead of time; a plan given in the options or kept in
/// the plan directory is followed without measuring when it fits.
/// </para>
/// </summary>
public sealed class ConvNetwork : ILayer
{
    /// <summary>Plans kept for shapes whose programs were evicted, at most: a shape seen again is not measured again.</summary>
    private const int KeptPlans = 256;

    private readonly Lock _gate = new();
    private readonly Planner _planner;
    private readonly ShapeCache<ShapeProgram> _programs;
    private readonly Dictionary<(int N, int H, int W), NetworkPlan> _plans = [];
    private readonly Queue<(int N, int H, int W)> _planOrder = new();
    private bool _disposed;

    /// <param name="blocks">The network, in order; every block's input channels must be the previous block's output channels.</param>
    /// <param name="backends">The registered backends the options name (<see cref="ConvBackends.Of"/> wraps one backend object).</param>
    /// <param name="options">How it runs; null: <see cref="NetworkOptions.Auto"/>, float32, NCHW.</param>
    public ConvNetwork(IEnumerable<NetworkBlock> blocks, ConvBackends backends, NetworkOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        ArgumentNullException.ThrowIfNull(backends);
        Options = options ?? new NetworkOptions();
        Options.Check();
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
        Graph = graph;
        _planner = new Planner(graph, backends, Options);
        _programs = new ShapeCache<ShapeProgram>(Options.ShapeCacheSize);
    }

    public NetworkOptions Options { get; }

    public IReadOnlyList<NetworkBlock> Blocks { get; }

    public TensorLayout Layout => Options.Layout;

    internal NetworkGraph Graph { get; }

    /// <summary>The backend's name, or "auto" when it plans over several.</summary>
    public string BackendName => _planner.Name;

    /// <summary>Why <see cref="NetworkOptions.Plan"/> was not followed (null: none given, or followed).</summary>
    public string? PlanRejection => _planner.Rejection;

    /// <summary>
    /// The latest problem with <see cref="NetworkOptions.PlanDirectory"/>: a plan file that could not be read or did not
    /// fit (the shape was measured again and the file replaced), or a measured plan that could not be saved (it is used
    /// all the same); null when there was none.
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

    public TensorShape OutputShape(TensorShape input) => Graph.Shapes(input, Layout, out _)[^1];

    /// <summary>Multiply-accumulates of the convolutions for <paramref name="input"/> (the small operations are not counted).</summary>
    public long MultiplyAccumulates(TensorShape input)
    {
        Graph.Shapes(input, Layout, out ConvGeometry[] geometries);
        long total = 0;
        for (int i = 0; i < Graph.Ops.Count; i++)
            if (Graph.Ops[i] is ConvOp conv)
                total += (long)geometries[i].Batch * geometries[i].OutHeight * geometries[i].OutWidth * conv.Spec.OutChannels * conv.Spec.WeightsPerOutputChannel;
        return total;
    }

    /// <summary>The plan chosen for an input shape, once its first call (or <see cref="Plan"/>) has chosen one; null before.</summary>
    public NetworkPlan? PlanFor(int batch, int height, int width)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _plans.GetValueOrDefault((batch, height, width));
        }
    }

    /// <summary>
    /// Chooses the plan for an input shape now, as its first call would (measured on seeded data within the budget,
    /// or read from a plan that fits), and makes its native state: for a service that plans at start-up.
    /// </summary>
    public unsafe NetworkPlan Plan(int batch, int height, int width)
    {
        var shape = new TensorShape(batch, InChannels, height, width);
        lock (_gate)
        {
            CheckShape(batch, height, width);
            if (_programs.TryGet(batch, height, width, out ShapeProgram? known)) return known!.Plan;
            TensorShape output = Graph.Shapes(shape, Layout, out _)[^1];
            using var x = new NativeFloatBuffer(shape.Length);
            using var y = new NativeFloatBuffer(output.Length);
            var random = new Random(shape.GetHashCode());
            for (int i = 0; i < shape.Length; i++) x.Pointer[i] = (float)(random.NextDouble() * 2 - 1);
            return Program(shape, x.Pointer, y.Pointer).Plan;
        }
    }

    /// <summary>One line per operation, as last run: what runs it (the implementation that ran, once a call was made).</summary>
    public IReadOnlyList<string> Describe()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _programs.Last?.Describe().ToList() ?? _planner.Default.Describe().ToList();
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
            CheckShape(batch, height, width);
            if (!_programs.TryGet(batch, height, width, out ShapeProgram? program))
            {
                TensorShape shape = new(batch, InChannels, height, width);
                TensorShape[] shapes = Graph.Shapes(shape, Layout, out _); // the shape chain, before anything native
                Check(shapes[0], shapes[^1], input, output);
                fixed (float* x = input)
                fixed (float* y = output)
                {
                    Program(shape, x, y).Run(x, y); // measured on this call's data; the output is the chosen program's
                }
                return;
            }
            Check(program!.Input, program.Output, input, output);
            fixed (float* x = input)
            fixed (float* y = output)
            {
                program.Run(x, y);
            }
        }
    }

    /// <summary>The program for a new shape: planned (measured on the caller's pinned call, or seeded data), cached, its plan kept.</summary>
    private unsafe ShapeProgram Program(TensorShape shape, float* input, float* output)
    {
        var key = (shape.Batch, shape.Height, shape.Width);
        ShapeProgram program = _planner.Plan(shape, Layout, input, output, _plans.GetValueOrDefault(key));
        _programs.Add(shape.Batch, shape.Height, shape.Width, program);
        if (_plans.TryAdd(key, program.Plan))
        {
            _planOrder.Enqueue(key);
            if (_plans.Count > KeptPlans) _plans.Remove(_planOrder.Dequeue());
        }
        return program;
    }

    private void CheckShape(int batch, int height, int width)
    {
        if (batch < 1) throw new ArgumentOutOfRangeException(nameof(batch), batch, "must be at least 1");
        if (height < 1) throw new ArgumentOutOfRangeException(nameof(height), height, "must be at least 1");
        if (width < 1) throw new ArgumentOutOfRangeException(nameof(width), width, "must be at least 1");
        ObjectDisposedException.ThrowIf(_disposed, this);
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
    /// Runs <paramref name="calls"/> times (after one warm call) and returns the mean µs each operation took, with what
    /// ran it; the NCHW transposes at the edges are the last two rows. For finding where time goes; the timing adds a
    /// clock read per operation. A batch whose images are shared between threads counts the calling thread's share.
    /// </summary>
    public unsafe IReadOnlyList<(string Operation, string RunsOn, double Microseconds)> Profile(ReadOnlySpan<float> input, Span<float> output,
        int batch, int height, int width, int calls)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(calls, 1);
        Forward(input, output, batch, height, width); // checks everything, plans, makes native state
        lock (_gate)
        {
            CheckShape(batch, height, width);
            if (!_programs.TryGet(batch, height, width, out ShapeProgram? program)) throw new InvalidOperationException("the shape's program was released");
            ProgramInstance caller = program!.Caller;
            var ticks = new long[caller.Program.Graph.Ops.Count + 2];
            fixed (float* x = input)
            fixed (float* y = output)
            {
                for (int c = 0; c < calls; c++) program.Run(x, y, ticks);
            }
            IReadOnlyList<string> runsOn = program.Describe().ToList();
            double perTick = 1e6 / System.Diagnostics.Stopwatch.Frequency / calls;
            var rows = new List<(string, string, double)>();
            for (int i = 0; i < caller.Program.Graph.Ops.Count; i++) rows.Add((caller.Program.Graph.Ops[i].Name, runsOn[i], ticks[i] * perTick));
            rows.Add(("input transpose (NCHW -> NHWC)", caller.InputTransform?.GetType().Name ?? (caller.StemReadsNchw ? "none (the first convolution reads NCHW)" : "none (NHWC)"), ticks[^2] * perTick));
            rows.Add(("output transpose (NHWC -> NCHW)", caller.OutputTransform?.GetType().Name ?? "none (NHWC)", ticks[^1] * perTick));
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
            _programs.Dispose();
            _planner.Dispose();
        }
    }
}
