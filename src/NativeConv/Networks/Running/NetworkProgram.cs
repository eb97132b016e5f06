using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace NativeConv;

/// <summary>
/// A network lowered for one <see cref="Candidate"/>: its graph with residual adds fused into the convolutions before
/// them wherever both run on a backend that can (oneDNN's sum post-op), and a kernel for every convolution, in NHWC
/// (the layout both native libraries run natively), on the backend the candidate assigns it. The small operations are
/// <see cref="NhwcOps"/>. Values stay NHWC between operations, whichever library made them: an NCHW caller's data is
/// transposed once on the way in (or read by a first convolution that writes NHWC itself) and once on the way out,
/// never per layer, and crossing libraries needs no conversion. Shape-free: <see cref="Instantiate"/> makes the buffers
/// for an input shape.
/// </summary>
internal sealed unsafe class NetworkProgram : IDisposable
{
    private readonly GraphOp[] _ops;
    private readonly ConvKernel?[] _kernels; // borrowed from the kernel cache
    private readonly BFloat16Tensors[] _bfloat16Tensors;
    private readonly ConvBackend? _stemBackend; // the first convolution's, when it alone reads the input in float32
    private readonly IWholeNetwork? _whole;
    private ConvKernel? _nchwStem; // made on the first NCHW shape, when the backend has one
    private bool _nchwStemAsked;
    private bool _nchwStemInUse; // for the shape instantiated last

    /// <param name="graph">The network's graph, unfused (the candidate's operation order).</param>
    /// <param name="backendNamed">The backend a name in the candidate stands for.</param>
    /// <param name="kernels">Where the convolutions' kernels come from (and stay).</param>
    /// <param name="transformSources">Backends whose NCHW transposes are timed against the edges' own per shape.</param>
    public NetworkProgram(NetworkGraph graph, Candidate candidate, Func<string, ConvBackend> backendNamed, KernelCache kernels, ConvPrecision precision,
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
            _ops = graph.Ops.ToArray();
            _kernels = new ConvKernel?[_ops.Length];
            _bfloat16Tensors = new BFloat16Tensors[_ops.Length];
            Backends = assigned.Select(b => b.Name).ToArray(); // the small operations too run inside the backend's object
            Origins = Enumerable.Range(0, _ops.Length).Select(i => new[] { i }).ToArray();
            FirstBackend = LastBackend = only;
            return;
        }
        // The fused sum is float32's, and fuses only an add that runs where its convolution does.
        Graph = precision == ConvPrecision.Float32
            ? graph.FuseResidualSums(i => assigned[i] == assigned[i + 1] && assigned[i].HasResidualSum)
            : graph;
        _ops = Graph.Ops.ToArray();
        _kernels = new ConvKernel?[_ops.Length];
        _bfloat16Tensors = new BFloat16Tensors[_ops.Length];
        Backends = new string[_ops.Length];
        Origins = new int[_ops.Length][];
        bool[] bfloat16Values = precision == ConvPrecision.BFloat16 ? BFloat16Values.Find(Graph) : new bool[Graph.ValueCount];
        int origin = 0;
        for (int i = 0; i < _ops.Length; i++)
        {
            ConvBackend backend = assigned[origin];
            Origins[i] = _ops[i] is ConvSumOp ? [origin, origin + 1] : [origin];
            origin += Origins[i].Length;
            Backends[i] = _ops[i] is ConvOp or ConvSumOp ? backend.Name : "managed";
            switch (_ops[i])
            {
                case ConvOp conv:
                    _bfloat16Tensors[i] = BFloat16Values.For(conv, bfloat16Values);
                    _kernels[i] = kernels.Get(conv, backend, new KernelCache.Form(false, precision, _bfloat16Tensors[i]));
                    if (i == 0 && precision != ConvPrecision.BFloat16 && OnlyReader(Graph, conv)) _stemBackend = backend;
                    break;
                case ConvSumOp fused:
                    _kernels[i] = kernels.Get(fused.Convolution, backend, new KernelCache.Form(true, ConvPrecision.Float32, BFloat16Tensors.None));
                    break;
                default:
                    continue;
            }
            FirstBackend ??= backend;
            LastBackend = backend;
        }
    }

    public Candidate Candidate { get; }

    /// <summary>The graph it runs (residual sums fused where they are).</summary>
    public NetworkGraph Graph { get; }

    /// <summary>Per operation, the backend that runs it ("managed" for the small operations, unless the backend runs the network whole).</summary>
    public string[] Backends { get; }

    /// <summary>Per operation, the operations of the unfused graph it stands for (a fused sum: its convolution and its add).</summary>
    public int[][] Origins { get; }

    /// <summary>Whether the backend runs the whole network as one native object (not operation by operation).</summary>
    public bool IsWholeNetwork => _whole is not null;

    /// <summary>The backend of the first convolution: it transposes an NCHW input (null: no convolution).</summary>
    public ConvBackend? FirstBackend { get; }

    /// <summary>The backend of the last convolution: it transposes back to NCHW.</summary>
    public ConvBackend? LastBackend { get; }

    /// <summary>Other backends whose NCHW transposes are timed against the edges' own per shape (none: the edges' own and the managed one).</summary>
    public IReadOnlyList<ConvBackend> TransformSources { get; }

    /// <summary>
    /// The program's buffers (and NCHW transposes) for one input shape. An NCHW input goes straight into the first
    /// convolution when its backend reads NCHW and writes NHWC in one pass (<see cref="ConvBackend.CreateNchwInputStem"/>)
    /// on a specialized implementation for this shape; otherwise it is transposed first.
    /// </summary>
    public ProgramInstance Instantiate(TensorShape shape, TensorLayout layout)
    {
        _nchwStemInUse = layout == TensorLayout.Nchw && _whole is null && NchwStemFits(shape);
        return new ProgramInstance(this, shape, layout, _whole, _nchwStemInUse);
    }

    private bool NchwStemFits(TensorShape shape)
    {
        if (_stemBackend is null) return false;
        var conv = (ConvOp)_ops[0];
        if (!_nchwStemAsked)
        {
            _nchwStemAsked = true;
            _nchwStem = _stemBackend.CreateNchwInputStem(conv.Spec, conv.Weights, conv.Bias);
        }
        if (_nchwStem is null) return false;
        // A generic implementation loses to the transpose and the NHWC kernel: only the specialized one is kept.
        string? implementation = _nchwStem.Prepare(conv.Spec.Geometry(shape.Batch, shape.Height, shape.Width));
        return implementation is not null && _stemBackend.IsFastNchwStem(implementation);
    }

    private static bool OnlyReader(NetworkGraph graph, ConvOp conv) =>
        conv.Input == NetworkGraph.Input && graph.Ops.Count(op => op.Inputs.Contains(NetworkGraph.Input)) == 1;

    /// <summary>What runs each operation (after a call, with the implementations that ran).</summary>
    public IEnumerable<string> Describe()
    {
        for (int i = 0; i < _ops.Length; i++)
        {
            GraphOp op = _ops[i];
            if (_whole is not null)
            {
                yield return $"{op.Name}: " + (op is ConvOp c ? $"{c.Spec}" : op.GetType().Name.Replace("Op", "", StringComparison.Ordinal))
                    + (i == 0 ? $" -> {_whole.ImplementationName}, the whole network in one call (profiled on this row)" : $" -> in the {_whole.ImplementationName}");
                continue;
            }
            yield return op switch
            {
                ConvOp conv when i == 0 && _nchwStemInUse =>
                    $"{op.Name}: {conv.Spec} -> {Backends[i]} {_nchwStem!.ImplementationName}, reading the NCHW input itself (no transpose)",
                ConvOp conv => $"{op.Name}: {conv.Spec} -> {Backends[i]} {_kernels[i]!.ImplementationName}{Describe(_bfloat16Tensors[i])}",
                ConvSumOp fused => $"{op.Name}: {fused.Spec}, residual added as a post-op -> {Backends[i]} {_kernels[i]!.ImplementationName}",
                _ => $"{op.Name}: {op.GetType().Name.Replace("Op", "", StringComparison.Ordinal)} -> managed (vectorized C#, NhwcOps)",
            };
        }
    }

    /// <summary>
    /// Runs one pass on <paramref name="instance"/>'s buffers and the caller's, pinned by the caller for the call. With
    /// <paramref name="ticks"/> (one slot per operation, plus the two layout transposes at the end), adds each step's
    /// elapsed Stopwatch ticks there: a profile, or the planner's per-operation times.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // timed from the first call: no tier-0 code between the kernels
    public void Run(ProgramInstance instance, float* input, float* output, long[]? ticks = null)
    {
        long mark = ticks is null ? 0 : Stopwatch.GetTimestamp();
        int count = Graph.ValueCount;
        float** values = stackalloc float*[count];
        for (int v = 0; v < count; v++)
        {
            int s = instance.Layout.Storage[v];
            values[v] = s == ValueStorage.CallerInput ? input : s == ValueStorage.CallerOutput ? output : s >= 0 ? instance.Buffers[s].Pointer : null;
        }
        instance.InputTransform?.Run(input, values[NetworkGraph.Input]);
        if (ticks is not null) Tick(ticks, _ops.Length, ref mark);
        if (instance.WholeNetwork is { } whole)
        {
            whole.Run(values[NetworkGraph.Input], values[Graph.Output]);
            if (ticks is not null) Tick(ticks, 0, ref mark);
            instance.OutputTransform?.Run(values[Graph.Output], output);
            if (ticks is not null) Tick(ticks, _ops.Length + 1, ref mark);
            return;
        }
        GraphOp[] ops = _ops;
        for (int i = 0; i < ops.Length; i++)
        {
            switch (ops[i])
            {
                case ConvOp conv:
                {
                    ref readonly ConvGeometry g = ref instance.Geometries[i];
                    ConvKernel kernel = i == 0 && instance.StemReadsNchw ? _nchwStem! : _kernels[i]!;
                    kernel.Forward(g, new ReadOnlySpan<float>(values[conv.Input], g.InputLength), new Span<float>(values[conv.Output], g.OutputLength));
                    break;
                }
                case ConvSumOp fused:
                {
                    ref readonly ConvGeometry g = ref instance.Geometries[i];
                    float* y = values[fused.Output], residual = values[fused.Residual];
                    if (y != residual) new ReadOnlySpan<float>(residual, g.OutputLength).CopyTo(new Span<float>(y, g.OutputLength));
                    _kernels[i]!.Forward(g, new ReadOnlySpan<float>(values[fused.Input], g.InputLength), new Span<float>(y, g.OutputLength));
                    break;
                }
                case AddOp add:
                    NhwcOps.Add(values[add.Left], values[add.Right], values[add.Output], instance.Shapes[add.Output].Length);
                    break;
                case GlobalAveragePoolOp pool:
                    NhwcOps.GlobalAveragePool(values[pool.Input], values[pool.Output], instance.Shapes[pool.Input]);
                    break;
                case ChannelScaleOp scale:
                    NhwcOps.ChannelScale(values[scale.Input], values[scale.Scale], values[scale.Output], instance.Shapes[scale.Input]);
                    break;
            }
            if (ticks is not null) Tick(ticks, i, ref mark);
        }
        instance.OutputTransform?.Run(values[Graph.Output], output);
        if (ticks is not null) Tick(ticks, _ops.Length + 1, ref mark);
    }

    /// <summary>
    /// Runs images [<paramref name="first"/>, <paramref name="end"/>) of the caller's pinned batch one at a time on
    /// <paramref name="image"/>, an instance for one image (an image is contiguous in NCHW and NHWC alike).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void RunImages(ProgramInstance image, float* input, float* output, int first, int end, long[]? ticks = null)
    {
        long inLength = image.Input.Length, outLength = image.Output.Length;
        for (int i = first; i < end; i++) Run(image, input + i * inLength, output + i * outLength, ticks);
    }

    private static string Describe(BFloat16Tensors tensors) => tensors switch
    {
        BFloat16Tensors.None => "",
        BFloat16Tensors.Input => " (bf16 input)",
        BFloat16Tensors.Output => " (bf16 output)",
        _ => " (bf16 input and output)",
    };

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
