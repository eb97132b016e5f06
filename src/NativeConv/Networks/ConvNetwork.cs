using System.Buffers;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace NativeConv;

/// <summary>
/// A network (a <see cref="NetworkGraph"/>, or an ordered list of blocks) run as <see cref="NetworkOptions"/> say.
/// Defined once: shapes are checked per input shape before anything native runs (a mismatch names the operation and
/// the shapes), every operation's weights are checked and copied once, and per input shape the intermediate buffers are
/// planned once (values share buffers by liveness, 64-byte aligned), so a warm call allocates nothing. Tensors stay NHWC
/// between operations, the layout both libraries run natively: NCHW or NHWC in and out, the caller's choice, converted
/// only at the network's edges. Calls may come from several threads at once: each runs on an execution context of its
/// own (buffers and native states, made on demand), sharing the weights, packed weights and plans
/// (<see cref="ShapeProgram"/>); <see cref="NetworkOptions.Threads"/> sets how many threads each call runs on.
/// <para>
/// With <see cref="NetworkOptions.Auto"/> over several backends, the first call for an input shape measures the
/// candidates within the planning budget and keeps the fastest (<see cref="Planner"/>); every later call for that
/// shape runs the chosen plan. <see cref="Plan(TensorShape[])"/> does the same ahead of time; a plan given in the options or kept in
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
    private readonly Dictionary<string, NetworkPlan> _plans = new(StringComparer.Ordinal);
    private readonly Queue<string> _planOrder = new();
    private bool _disposed;
    private int _calls; // in flight: Dispose waits for them
    private readonly SemaphoreSlim _slots; // bounds the calls that run at once (Options.MaxConcurrentCalls)

    /// <param name="graph">The network, from a <see cref="GraphBuilder"/>.</param>
    /// <param name="backends">The registered backends the options name (<see cref="ConvBackends.Of"/> wraps one backend object).</param>
    /// <param name="options">How it runs; null: <see cref="NetworkOptions.Auto"/>, float32, NCHW.</param>
    public ConvNetwork(NetworkGraph graph, ConvBackends backends, NetworkOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(backends);
        Options = options ?? new NetworkOptions();
        Options.Check();
        Graph = ActivationFolding.Fold(graph); // standalone activations fused into the operation before them, where they can be
        _planner = new Planner(Graph, backends, Options);
        _programs = new ShapeCache<ShapeProgram>(Options.ShapeCacheSize);
        _slots = new SemaphoreSlim(Options.ConcurrentCalls, Options.ConcurrentCalls);
    }

    /// <param name="blocks">The network, in order; every block's input channels must be the previous block's output channels.</param>
    /// <param name="backends">The registered backends the options name (<see cref="ConvBackends.Of"/> wraps one backend object).</param>
    /// <param name="options">How it runs; null: <see cref="NetworkOptions.Auto"/>, float32, NCHW.</param>
    public ConvNetwork(IEnumerable<NetworkBlock> blocks, ConvBackends backends, NetworkOptions? options = null)
        : this(GraphOf(blocks), backends, options)
    {
    }

    /// <summary>The blocks chained: the input "input", each block's operations after the last, the output "output".</summary>
    public static NetworkGraph GraphOf(IEnumerable<NetworkBlock> blocks)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        List<NetworkBlock> list = blocks.ToList();
        if (list.Count == 0) throw new ArgumentException("a network needs at least one block", nameof(blocks));
        for (int i = 0; i < list.Count; i++)
        {
            ArgumentNullException.ThrowIfNull(list[i], $"{nameof(blocks)}[{i}]");
            if (i > 0 && list[i].InChannels != list[i - 1].OutChannels)
                throw new ArgumentException($"'{list[i].Name}' takes (N, {list[i].InChannels}, H, W), but '{list[i - 1].Name}' gives (N, {list[i - 1].OutChannels}, H, W)", nameof(blocks));
        }
        var builder = new GraphBuilder();
        Value value = builder.Input("input", list[0].InChannels);
        foreach (NetworkBlock block in list) value = block.AddTo(builder, value);
        builder.Output(value, "output");
        return builder.Build();
    }

    public NetworkOptions Options { get; }

    /// <summary>The graph as it runs: the one given, with standalone activations folded into the operation before them (<see cref="ActivationFolding"/>).</summary>
    public NetworkGraph Graph { get; }

    public TensorLayout Layout => Options.Layout;

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

    /// <summary>The first input's channels.</summary>
    public int InChannels => Graph.Inputs[0].Channels;

    /// <summary>The first output's channels.</summary>
    public int OutChannels => Graph.Outputs[0].Channels;

    /// <summary>Operations of the graph, before fusion.</summary>
    public int OperationCount => Graph.OperationCount;

    /// <summary>The first output's shape for a network of one input.</summary>
    public TensorShape OutputShape(TensorShape input) => OutputShapes([input])[0];

    /// <summary>Every output's shape for these input shapes (one per graph input); an exception naming the operation that cannot take them.</summary>
    public IReadOnlyList<TensorShape> OutputShapes(ReadOnlySpan<TensorShape> inputs)
    {
        TensorShape[] shapes = Graph.Shapes(inputs, Layout);
        return Graph.OutputValues.Select(v => shapes[v]).ToArray();
    }

    /// <summary>Multiply-accumulates of the convolutions for <paramref name="input"/> (the small operations are not counted).</summary>
    public long MultiplyAccumulates(TensorShape input) => Graph.MultiplyAccumulates(Graph.Shapes([input], Layout));

    /// <summary>The plan chosen for a one-input shape, once its first call (or <see cref="Plan(TensorShape[])"/>) has chosen one; null before.</summary>
    public NetworkPlan? PlanFor(int batch, int height, int width)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _plans.GetValueOrDefault(Key([new TensorShape(batch, InChannels, height, width)]));
        }
    }

    /// <summary>
    /// Chooses the plan for these input shapes now, as their first call would (measured on seeded data within the budget,
    /// or read from a plan that fits), and makes their native state: for a service that plans at start-up.
    /// </summary>
    public unsafe NetworkPlan Plan(params TensorShape[] inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            TensorShape[] shapes = Graph.Shapes(inputs, Layout);
            if (TryGet(inputs, out ShapeProgram? known)) return known!.Plan;
            var x = new List<NativeFloatBuffer>();
            var y = new List<NativeFloatBuffer>();
            try
            {
                var random = new Random(1);
                foreach (TensorShape input in inputs)
                {
                    var buffer = new NativeFloatBuffer(input.Length);
                    x.Add(buffer);
                    for (int i = 0; i < input.Length; i++) buffer.Pointer[i] = (float)(random.NextDouble() * 2 - 1);
                }
                foreach (int v in Graph.OutputValues) y.Add(new NativeFloatBuffer(shapes[v].Length));
                float** xs = stackalloc float*[x.Count];
                float** ys = stackalloc float*[y.Count];
                for (int k = 0; k < x.Count; k++) xs[k] = x[k].Pointer;
                for (int k = 0; k < y.Count; k++) ys[k] = y[k].Pointer;
                return Program(inputs, xs, ys).Plan;
            }
            finally
            {
                foreach (NativeFloatBuffer buffer in x.Concat(y)) buffer.Dispose();
            }
        }
    }

    /// <summary>The same for a network of one input.</summary>
    public NetworkPlan Plan(int batch, int height, int width) => Plan(new TensorShape(batch, InChannels, height, width));

    /// <summary>One line per operation, as last run: what runs it (the implementation that ran, once a call was made).</summary>
    public IReadOnlyList<string> Describe()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _programs.Last?.First.Describe().ToList() ?? Graph.Describe();
        }
    }

    /// <summary>
    /// Runs a network of one input and one output on <paramref name="input"/> of (batch, <see cref="InChannels"/>, height,
    /// width) in <see cref="Layout"/>; <paramref name="output"/> receives <see cref="OutputShape"/> in the same layout.
    /// </summary>
    public unsafe void Forward(ReadOnlySpan<float> input, Span<float> output, int batch, int height, int width)
    {
        if (batch < 1) throw new ArgumentOutOfRangeException(nameof(batch), batch, "must be at least 1");
        if (height < 1) throw new ArgumentOutOfRangeException(nameof(height), height, "must be at least 1");
        if (width < 1) throw new ArgumentOutOfRangeException(nameof(width), width, "must be at least 1");
        if (Graph.Inputs.Count != 1 || Graph.Outputs.Count != 1)
            throw new InvalidOperationException($"the network has {Graph.Inputs.Count} input(s) and {Graph.Outputs.Count} output(s): call Run with one buffer each");
        Span<TensorShape> shape = stackalloc TensorShape[1];
        shape[0] = new TensorShape(batch, InChannels, height, width);
        Span<int> inputLengths = stackalloc int[1], outputLengths = stackalloc int[1];
        (inputLengths[0], outputLengths[0]) = (input.Length, output.Length);
        if (input.Overlaps(output)) throw new ArgumentException("input and output must not overlap", nameof(output));
        fixed (float* x = input)
        fixed (float* y = output)
        {
            float* xs = x, ys = y;
            Run(Enter(shape, inputLengths, outputLengths, &xs, &ys), &xs, &ys);
        }
    }

    /// <summary>
    /// Runs the network on one buffer per graph input (in <see cref="NetworkGraph.Inputs"/> order, each with its shape)
    /// into one buffer per graph output (<see cref="NetworkGraph.Outputs"/> order, of <see cref="OutputShapes"/>' lengths),
    /// every tensor in <see cref="Layout"/>. No buffer may overlap another.
    /// </summary>
    public unsafe void Run(ReadOnlySpan<NetworkInput> inputs, ReadOnlySpan<NetworkOutput> outputs)
    {
        if (inputs.Length != Graph.Inputs.Count)
            throw new ArgumentException($"the network takes {Graph.Inputs.Count} input(s) ({string.Join(", ", Graph.Inputs.Select(i => i.Name))}), not {inputs.Length}", nameof(inputs));
        if (outputs.Length != Graph.Outputs.Count)
            throw new ArgumentException($"the network makes {Graph.Outputs.Count} output(s) ({string.Join(", ", Graph.Outputs.Select(o => o.Name))}), not {outputs.Length}", nameof(outputs));
        for (int a = 0; a < outputs.Length; a++)
        {
            for (int b = 0; b < inputs.Length; b++)
                if (outputs[a].Data.Span.Overlaps(inputs[b].Data.Span))
                    throw new ArgumentException($"output '{Graph.Outputs[a].Name}' overlaps input '{Graph.Inputs[b].Name}'", nameof(outputs));
            for (int b = 0; b < a; b++)
                if (outputs[a].Data.Span.Overlaps(outputs[b].Data.Span))
                    throw new ArgumentException($"output '{Graph.Outputs[a].Name}' overlaps output '{Graph.Outputs[b].Name}'", nameof(outputs));
        }
        int tensors = inputs.Length + outputs.Length;
        Span<TensorShape> shapes = inputs.Length <= 8 ? stackalloc TensorShape[inputs.Length] : new TensorShape[inputs.Length];
        Span<int> inputLengths = inputs.Length <= 8 ? stackalloc int[inputs.Length] : new int[inputs.Length];
        Span<int> outputLengths = outputs.Length <= 8 ? stackalloc int[outputs.Length] : new int[outputs.Length];
        for (int k = 0; k < inputs.Length; k++) (shapes[k], inputLengths[k]) = (inputs[k].Shape, inputs[k].Data.Length);
        for (int k = 0; k < outputs.Length; k++) outputLengths[k] = outputs[k].Data.Length;
        var few = new TensorPins();
        Span<MemoryHandle> pins = tensors <= TensorPins.Count ? few : new MemoryHandle[tensors];
        float** xs = stackalloc float*[inputs.Length];
        float** ys = stackalloc float*[outputs.Length];
        try
        {
            for (int k = 0; k < inputs.Length; k++)
            {
                pins[k] = inputs[k].Data.Pin();
                xs[k] = (float*)pins[k].Pointer;
            }
            for (int k = 0; k < outputs.Length; k++)
            {
                pins[inputs.Length + k] = outputs[k].Data.Pin();
                ys[k] = (float*)pins[inputs.Length + k].Pointer;
            }
            Run(Enter(shapes, inputLengths, outputLengths, xs, ys), xs, ys);
        }
        finally
        {
            foreach (MemoryHandle pin in pins[..tensors]) pin.Dispose();
        }
    }

    /// <summary>Room for the pins of a call's tensors on the stack: a call with up to 8 allocates nothing.</summary>
    [System.Runtime.CompilerServices.InlineArray(Count)]
    private struct TensorPins
    {
        public const int Count = 8;
        private MemoryHandle _first;
    }

    /// <summary>
    /// A call starts: the program for these input shapes, with the caller's buffers checked against them before anything
    /// runs, cached or planned now (measured on the caller's pinned call, once its buffers are known to fit), entered so
    /// that neither its eviction nor the network's Dispose releases it under the call.
    /// </summary>
    private unsafe ShapeProgram Enter(ReadOnlySpan<TensorShape> shapes, ReadOnlySpan<int> inputLengths, ReadOnlySpan<int> outputLengths, float** inputs, float** outputs)
    {
        Interlocked.Increment(ref _calls);
        bool slot = false;
        try
        {
            _slots.Wait();
            slot = true;
            RaceProbe.Point("slot taken");
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                if (TryGet(shapes, out ShapeProgram? program)) CheckLengths(program!.Inputs, program.Outputs, inputLengths, outputLengths);
                else program = New(shapes.ToArray(), inputLengths, outputLengths, inputs, outputs);
                program.Enter();
                return program;
            }
        }
        catch
        {
            if (slot) _slots.Release();
            Interlocked.Decrement(ref _calls);
            throw;
        }
    }

    /// <summary>The call on a context of its own (made when every context is in use), then the call ends.</summary>
    private unsafe void Run(ShapeProgram program, float** inputs, float** outputs, long[]? ticks = null)
    {
        try
        {
            ExecutionContext context = program.Rent();
            RaceProbe.Point("context rented");
            try
            {
                context.Run(inputs, outputs, ticks);
            }
            finally
            {
                program.Return(context);
            }
        }
        finally
        {
            program.Exit();
            _slots.Release();
            Interlocked.Decrement(ref _calls);
        }
    }

    /// <summary>
    /// The first call for a shape: the shape chain checked before anything native (naming the operation that cannot take
    /// it), the buffers against it, then planned. Its own method: the lambda here must not make <see cref="Enter"/>
    /// allocate a closure on every call.
    /// </summary>
    private unsafe ShapeProgram New(TensorShape[] shapes, ReadOnlySpan<int> inputLengths, ReadOnlySpan<int> outputLengths, float** inputs, float** outputs)
    {
        TensorShape[] all = Graph.Shapes(shapes, Layout);
        CheckLengths(shapes, Graph.OutputValues.Select(v => all[v]).ToArray(), inputLengths, outputLengths);
        return Program(shapes, inputs, outputs);
    }

    private void CheckLengths(IReadOnlyList<TensorShape> inputs, IReadOnlyList<TensorShape> outputs, ReadOnlySpan<int> inputLengths, ReadOnlySpan<int> outputLengths)
    {
        for (int k = 0; k < inputLengths.Length; k++)
            if (inputLengths[k] != inputs[k].Length)
                throw new ArgumentException($"input{(inputLengths.Length > 1 ? $" '{Graph.Inputs[k].Name}'" : "")} must hold {inputs[k].ToString(Layout)} = {inputs[k].Length} values, got {inputLengths[k]}",
                    inputLengths.Length > 1 ? "inputs" : "input");
        for (int k = 0; k < outputLengths.Length; k++)
            if (outputLengths[k] != outputs[k].Length)
                throw new ArgumentException($"output{(outputLengths.Length > 1 ? $" '{Graph.Outputs[k].Name}'" : "")} must hold {outputs[k].ToString(Layout)} = {outputs[k].Length} values, got {outputLengths[k]}",
                    outputLengths.Length > 1 ? "outputs" : "output");
    }

    private bool TryGet(ReadOnlySpan<TensorShape> shapes, out ShapeProgram? program)
    {
        Span<int> key = shapes.Length <= 8 ? stackalloc int[3 * shapes.Length] : new int[3 * shapes.Length];
        for (int k = 0; k < shapes.Length; k++) (key[3 * k], key[3 * k + 1], key[3 * k + 2]) = (shapes[k].Batch, shapes[k].Height, shapes[k].Width);
        return _programs.TryGet(key, out program);
    }

    private static string Key(IReadOnlyList<TensorShape> shapes) => string.Join(";", shapes.Select(s => $"{s.Batch}x{s.Channels}x{s.Height}x{s.Width}"));

    /// <summary>The program for a new shape: planned (measured on the caller's pinned call, or seeded data), cached, its plan kept.</summary>
    private unsafe ShapeProgram Program(TensorShape[] shapes, float** inputs, float** outputs)
    {
        string key = Key(shapes);
        ShapeProgram program = _planner.Plan(shapes, Layout, inputs, outputs, _plans.GetValueOrDefault(key));
        var cacheKey = new int[3 * shapes.Length];
        for (int k = 0; k < shapes.Length; k++) (cacheKey[3 * k], cacheKey[3 * k + 1], cacheKey[3 * k + 2]) = (shapes[k].Batch, shapes[k].Height, shapes[k].Width);
        _programs.Add(cacheKey, program);
        if (_plans.TryAdd(key, program.Plan))
        {
            _planOrder.Enqueue(key);
            if (_plans.Count > KeptPlans) _plans.Remove(_planOrder.Dequeue());
        }
        return program;
    }

    /// <summary>Bytes the managed threads of the shapes' batch workers have allocated (the calls' other threads; for tests of allocation-free calls).</summary>
    internal long WorkerAllocatedBytes
    {
        get
        {
            lock (_gate) return _programs.States.Sum(p => p.WorkerAllocatedBytes);
        }
    }

    /// <summary>
    /// The activation buffers one execution context of each cached shape holds, in bytes: what another concurrent caller
    /// adds besides its native states (for the per-caller memory benchmark, tests/NativeConv.Benchmarks.Ort).
    /// </summary>
    internal long[] ContextActivationBytes
    {
        get
        {
            lock (_gate) return _programs.States.Select(p => p.First.Caller.Layout.BufferLengths.Sum(length => (long)length * sizeof(float))).ToArray();
        }
    }

    /// <summary>The execution contexts the cached shapes have made: at most <see cref="NetworkOptions.MaxConcurrentCalls"/> each (for tests).</summary>
    internal int[] ContextCounts
    {
        get
        {
            lock (_gate) return _programs.States.Select(p => p.Contexts).ToArray();
        }
    }

    /// <summary>
    /// Runs <paramref name="calls"/> times (after one warm call) and returns the mean µs each operation took, with what
    /// ran it; the NCHW transposes at the edges are the last rows. For finding where time goes; the timing adds a clock
    /// read per operation. A batch whose images are shared between threads counts the calling thread's share.
    /// </summary>
    public unsafe IReadOnlyList<(string Operation, string RunsOn, double Microseconds)> Profile(ReadOnlySpan<float> input, Span<float> output,
        int batch, int height, int width, int calls)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(calls, 1);
        Forward(input, output, batch, height, width); // checks everything, plans, makes native state
        Span<TensorShape> shape = stackalloc TensorShape[1];
        shape[0] = new TensorShape(batch, InChannels, height, width);
        Span<int> inputLengths = stackalloc int[1], outputLengths = stackalloc int[1];
        (inputLengths[0], outputLengths[0]) = (input.Length, output.Length);
        fixed (float* x = input)
        fixed (float* y = output)
        {
            float* xs = x, ys = y;
            ShapeProgram program = Enter(shape, inputLengths, outputLengths, &xs, &ys);
            ProgramInstance caller = program.First.Caller;
            var ticks = new long[caller.TickSlots];
            Run(program, &xs, &ys, ticks); // returns the call's slot before the next takes one (MaxConcurrentCalls may be 1)
            for (int c = 1; c < calls; c++) Run(Enter(shape, inputLengths, outputLengths, &xs, &ys), &xs, &ys, ticks);
            IReadOnlyList<string> runsOn = program.First.Describe().ToList();
            double perTick = 1e6 / System.Diagnostics.Stopwatch.Frequency / calls;
            var rows = new List<(string, string, double)>();
            NetworkGraph graph = caller.Program.Graph;
            int steps = caller.Program.Whole is null ? graph.Ops.Count : 1;
            for (int i = 0; i < graph.Ops.Count; i++) rows.Add((graph.Ops[i].Name, runsOn[i], i < steps ? ticks[i] * perTick : 0));
            rows.Add(("input transpose (NCHW -> NHWC)", caller.InputTransforms[0]?.GetType().Name ?? (caller.StemReadsNchw ? "none (the first convolution reads NCHW)" : "none"), ticks[steps] * perTick));
            rows.Add(("output transpose (NHWC -> NCHW)", caller.OutputTransforms[0]?.GetType().Name ?? "none", ticks[steps + 1] * perTick));
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

    /// <summary>Releases the network once the calls in flight have returned (later calls throw <see cref="ObjectDisposedException"/>).</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
        }
        RaceProbe.Point("disposing");
        var wait = new SpinWait();
        while (Volatile.Read(ref _calls) > 0) wait.SpinOnce();
        lock (_gate)
        {
            _programs.Dispose();
            _planner.Dispose();
        }
    }
}
