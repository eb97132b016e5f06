using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace NativeConv;

/// <summary>
/// A network lowered for one <see cref="Candidate"/>: its graph with residual adds fused into the convolutions before
/// them wherever both run on a backend that can (oneDNN's sum post-op), and a kernel for every operation on the backend
/// the candidate assigns it (that library's own where it has one, else the managed one), all in NHWC, the layout both
/// native libraries run natively. Values stay NHWC between operations, whichever library made them: an NCHW caller's
/// data is transposed once on the way in (or read by a first convolution that writes NHWC itself) and once on the way
/// out, never per layer, and crossing libraries needs no conversion. Shape-free: <see cref="Instantiate"/> makes the
/// steps and buffers for an input shape.
/// </summary>
internal sealed unsafe class NetworkProgram : IDisposable
{
    private readonly OpKernel?[] _kernels; // borrowed from the kernel cache
    private readonly ConvBackend? _stemBackend; // the first convolution's, when it alone reads the network's one input in float32
    private readonly IWholeNetwork? _whole;
    private ConvKernel? _nchwStem; // made on the first NCHW shape, when the backend has one
    private bool _nchwStemAsked;
    private readonly Lock _stemGate = new();

    /// <param name="graph">The network's graph, unfused (the candidate's operation order).</param>
    /// <param name="backendNamed">The backend a name in the candidate stands for.</param>
    /// <param name="kernels">Where the operations' kernels come from (and stay).</param>
    /// <param name="transformSources">Backends whose NCHW transposes are timed against the edges' own per shape.</param>
    public NetworkProgram(NetworkGraph graph, Candidate candidate, Func<string, ConvBackend> backendNamed, KernelCache kernels,
        IReadOnlyList<ConvBackend> transformSources)
    {
        Candidate = candidate;
        TransformSources = transformSources;
        ConvBackend[] assigned = candidate.Backends.Select(backendNamed).ToArray();
        if (candidate.WholeRuntime)
        {
            ConvBackend only = assigned[0];
            _whole = only.CreateWholeNetwork(graph) ?? throw new NotSupportedException($"backend '{only.Name}' cannot run a network whole (XNNPACK can, with its subgraph runtime)");
            Graph = graph;
            _kernels = new OpKernel?[graph.Ops.Count];
            Backends = assigned.Select(b => b.Name).ToArray(); // the small operations too run inside the backend's object
            Origins = graph.Origins();
            FirstBackend = LastBackend = only;
            return;
        }
        // The fused sum is float32's, and fuses only an add that runs where its convolution does.
        Graph = kernels.Precision == ConvPrecision.Float32
            ? graph.FuseResidualSums((conv, add) => assigned[conv] == assigned[add] && assigned[conv].HasResidualSum)
            : graph;
        Origins = Graph.Origins();
        _kernels = new OpKernel?[Graph.Ops.Count];
        Backends = new string[Graph.Ops.Count];
        for (int i = 0; i < Graph.Ops.Count; i++)
        {
            ConvBackend backend = assigned[Origins[i][0]];
            _kernels[i] = kernels.For(Graph.Ops[i], backend);
            Backends[i] = _kernels[i]!.Library;
            if (Graph.Ops[i] is not (ConvOp or ConvSumOp)) continue;
            FirstBackend ??= backend;
            LastBackend = backend;
        }
        if (Graph.Ops[0] is ConvOp first && kernels.Precision != ConvPrecision.BFloat16 && Graph.InputValues.Length == 1
            && first.Input == Graph.Input && Graph.Ops.Count(op => op.Inputs.Contains(Graph.Input)) == 1)
            _stemBackend = assigned[0];
    }

    public Candidate Candidate { get; }

    /// <summary>The graph it runs (residual sums fused where they are).</summary>
    public NetworkGraph Graph { get; }

    /// <summary>Per operation, the library that runs it (the backend's, or "managed").</summary>
    public string[] Backends { get; }

    /// <summary>Per operation, the operations of the unfused graph it stands for (a fused sum: its convolution and its add).</summary>
    public int[][] Origins { get; }

    /// <summary>Whether the backend runs the whole network as one native object (not operation by operation).</summary>
    public IWholeNetwork? Whole => _whole;

    /// <summary>The backend of the first convolution: it transposes an NCHW input (null: no convolution).</summary>
    public ConvBackend? FirstBackend { get; }

    /// <summary>The backend of the last convolution: it transposes back to NCHW.</summary>
    public ConvBackend? LastBackend { get; }

    /// <summary>Other backends whose NCHW transposes are timed against the edges' own per shape (none: the edges' own and the managed one).</summary>
    public IReadOnlyList<ConvBackend> TransformSources { get; }

    /// <summary>The kernel of operation <paramref name="op"/> (null for a program run whole).</summary>
    public OpKernel? Kernel(int op) => _kernels[op];

    /// <summary>The program's steps, buffers and NCHW transposes for one input shape per graph input.</summary>
    public ProgramInstance Instantiate(TensorShape[] inputs, TensorLayout layout) =>
        new(this, inputs, layout, layout == TensorLayout.Nchw && _whole is null ? NchwStem(inputs[0]) : null);

    /// <summary>
    /// The first convolution reading the caller's NCHW input and writing NHWC in one pass (<see cref="ConvBackend.CreateNchwInputStem"/>),
    /// when its backend has one and it is the specialized implementation for this shape; otherwise null (the input is transposed).
    /// </summary>
    private ConvKernel? NchwStem(TensorShape shape)
    {
        if (_stemBackend is null) return null;
        var conv = (ConvOp)Graph.Ops[0];
        lock (_stemGate) // instances are made on demand by concurrent callers too
        {
            if (!_nchwStemAsked)
            {
                _nchwStemAsked = true;
                _nchwStem = _stemBackend.CreateNchwInputStem(conv.Spec, conv.Weights, conv.Bias);
                _nchwStem?.Repairing(ConvRepair.For(_stemBackend, conv.Spec, ConvPrecision.Float32, conv.Weights, TensorLayout.Nchw, TensorLayout.Nhwc));
            }
        }
        if (_nchwStem is null) return null;
        // A generic implementation loses to the transpose and the NHWC kernel: only the specialized one is kept.
        string? implementation = _nchwStem.Prepare(conv.Spec.Geometry(shape.Batch, shape.Height, shape.Width));
        return implementation is not null && _stemBackend.IsFastNchwStem(implementation) ? _nchwStem : null;
    }

    /// <summary>
    /// Runs one pass on <paramref name="instance"/>'s buffers and the caller's (pointers per input and output, pinned by
    /// the caller for the call). With <paramref name="ticks"/> (one slot per operation, plus the layout transposes at the
    /// end: inputs', then outputs'), adds each step's elapsed Stopwatch ticks there: a profile, or the planner's times.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // timed from the first call: no tier-0 code between the kernels
    public void Run(ProgramInstance instance, float** inputs, float** outputs, long[]? ticks = null)
    {
        long mark = ticks is null ? 0 : Stopwatch.GetTimestamp();
        int count = Graph.ValueCount, operations = instance.Steps.Length;
        float** values = stackalloc float*[count];
        int[] storage = instance.Layout.Storage;
        for (int v = 0; v < count; v++)
        {
            int s = storage[v];
            values[v] = s >= 0 ? instance.Buffers[s].Pointer : s == ValueStorage.None ? null
                : ValueStorage.InputOf(s) is var k and >= 0 ? inputs[k] : outputs[ValueStorage.OutputOf(s)];
        }
        int[] inputValues = Graph.InputValues, outputValues = Graph.OutputValues;
        bool repairing = instance.ScansInputs && NonFiniteInputs(instance, inputs);
        for (int k = 0; k < inputValues.Length; k++)
        {
            instance.InputTransforms[k]?.Run(inputs[k], values[inputValues[k]]);
            if (ticks is not null) Tick(ticks, operations + k, ref mark);
        }
        if (instance.WholeNetwork is { } whole)
        {
            float** wholeInputs = stackalloc float*[inputValues.Length];
            float** wholeOutputs = stackalloc float*[outputValues.Length];
            for (int k = 0; k < inputValues.Length; k++) wholeInputs[k] = values[inputValues[k]];
            for (int k = 0; k < outputValues.Length; k++) wholeOutputs[k] = values[outputValues[k]];
            whole.Run(wholeInputs, wholeOutputs);
            if (ticks is not null) Tick(ticks, 0, ref mark);
        }
        else
        {
            OpStep[] steps = instance.Steps;
            for (int i = 0; i < steps.Length; i++)
            {
                if (repairing) steps[i].RunRepairing(values);
                else steps[i].Run(values);
                if (ticks is not null) Tick(ticks, i, ref mark);
            }
        }
        for (int k = 0; k < outputValues.Length; k++)
        {
            instance.OutputTransforms[k]?.Run(values[outputValues[k]], outputs[k]);
            if (ticks is not null) Tick(ticks, operations + inputValues.Length + k, ref mark);
        }
    }

    /// <summary>
    /// Whether a network input holds NaN or ±infinity: one scan per call, nothing else is scanned when all are finite (a value
    /// that overflows to infinity inside the network follows the libraries). The whole network in one native object cannot
    /// be repaired inside: such an input is refused rather than given other values than PyTorch's.
    /// </summary>
    private bool NonFiniteInputs(ProgramInstance instance, float** inputs)
    {
        for (int k = 0; k < instance.Inputs.Length; k++)
        {
            if (!NonFiniteScan.Any(inputs[k], instance.Inputs[k].Length)) continue;
            if (instance.WholeNetwork is not null)
                throw new NotSupportedException($"input {k} holds NaN or ±infinity, which {_whole!.ImplementationName} (the whole network in one XNNPACK runtime, NetworkOptions.WholeRuntime) " +
                    "cannot give PyTorch's values for: run the network operation by operation, or register the backend with NonFiniteValues.Library to take XNNPACK's values");
            return true;
        }
        return false;
    }

    private static void Tick(long[] ticks, int slot, ref long mark)
    {
        long now = Stopwatch.GetTimestamp();
        ticks[slot] += now - mark;
        mark = now;
    }

    /// <summary>Releases what the program owns (not the cache's kernels).</summary>
    public void Dispose()
    {
        _nchwStem?.Dispose();
        _whole?.Dispose();
    }
}
