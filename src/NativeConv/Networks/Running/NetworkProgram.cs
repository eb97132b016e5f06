using System.Diagnostics;

namespace NativeConv;

/// <summary>
/// A network lowered for running: its graph (possibly with residual adds fused into the convolutions
/// before them), and for every convolution a kernel made once, in NHWC (the layout both native libraries
/// run natively), on the backend the plan assigned it. The small operations are <see cref="NhwcOps"/>.
/// Values stay NHWC between operations, whichever library made them: an NCHW caller's data is transposed
/// once on the way in (or read by a first convolution that writes NHWC itself) and once on the way out, never per
/// layer, and crossing libraries needs no conversion.
/// </summary>
internal sealed unsafe class NetworkProgram : IDisposable
{
    private readonly GraphOp[] _ops;
    private readonly ConvKernel?[] _kernels;
    private readonly BFloat16Tensors[] _bfloat16Tensors;
    private readonly ConvBackend? _stemBackend; // the first convolution's, when it alone reads the input in float32
    private ConvKernel? _nchwStem; // made on the first NCHW shape, when the backend has one
    private bool _nchwStemAsked;
    private bool _nchwStemInUse; // for the shape planned last

    /// <param name="name">What the plan calls it, e.g. "onednn" or "mixed".</param>
    /// <param name="backendFor">The backend of each convolution (a fused one: of the convolution it came from).</param>
    /// <param name="precision">
    /// BFloat16: every convolution computes bfloat16 products, and values passed from convolution to convolution
    /// stay bfloat16 (<see cref="BFloat16Values"/>; float32 where managed operations read them). DynamicInt8: pointwise
    /// convolutions quantize their input per call (the others stay float32).
    /// </param>
    public NetworkProgram(string name, NetworkGraph graph, Func<ConvOp, ConvBackend> backendFor, ConvPrecision precision = ConvPrecision.Float32)
    {
        Name = name;
        Graph = graph;
        _ops = graph.Ops.ToArray();
        _kernels = new ConvKernel?[_ops.Length];
        Backends = new string[_ops.Length];
        _bfloat16Tensors = new BFloat16Tensors[_ops.Length];
        bool[] bfloat16Values = precision == ConvPrecision.BFloat16 ? BFloat16Values.Find(graph) : new bool[graph.ValueCount];
        try
        {
            for (int i = 0; i < _ops.Length; i++)
            {
                switch (_ops[i])
                {
                    case ConvOp conv:
                    {
                        ConvBackend backend = backendFor(conv);
                        _bfloat16Tensors[i] = BFloat16Values.For(conv, bfloat16Values);
                        _kernels[i] = precision switch
                        {
                            ConvPrecision.BFloat16 => backend.CreateBFloat16(conv.Spec, TensorLayout.Nhwc, conv.Weights, conv.Bias, _bfloat16Tensors[i])
                                ?? throw new NotSupportedException($"backend '{backend.Name}' has no bfloat16 convolution (oneDNN has, on CPUs with AVX512_BF16 or AMX)"),
                            ConvPrecision.DynamicInt8 when conv.Spec.IsPointwise =>
                                backend.CreateDynamicInt8(conv.Spec, TensorLayout.Nhwc, conv.Weights, conv.Bias)
                                ?? throw new NotSupportedException($"backend '{backend.Name}' has no dynamically quantized convolution (XNNPACK has, for pointwise layers)"),
                            _ => backend.Create(conv.Spec, TensorLayout.Nhwc, conv.Weights, conv.Bias),
                        };
                        Backends[i] = backend.Name;
                        if (i == 0 && precision != ConvPrecision.BFloat16 && OnlyReader(graph, conv)) _stemBackend = backend;
                        FirstBackend ??= backend;
                        LastBackend = backend;
                        break;
                    }
                    case ConvSumOp fused:
                    {
                        ConvOp conv = fused.Convolution;
                        ConvBackend backend = backendFor(conv);
                        ConvArguments.CheckParameters(conv.Spec, conv.Weights, conv.Bias);
                        _kernels[i] = backend.CreateWithResidualSum(conv.Spec, conv.Weights, conv.Bias)
                            ?? throw new InvalidOperationException($"backend '{backend.Name}' has no fused residual sum for '{fused.Name}'");
                        Backends[i] = backend.Name;
                        FirstBackend ??= backend;
                        LastBackend = backend;
                        break;
                    }
                    default:
                        Backends[i] = "managed";
                        break;
                }
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>
    /// The network handed to <paramref name="backend"/> whole (<see cref="ConvBackend.CreateWholeNetwork"/>), run as one
    /// native object per input shape; null when the backend has no such form.
    /// </summary>
    public static NetworkProgram? WholeNetwork(string name, NetworkGraph graph, ConvBackend backend) =>
        backend.CreateWholeNetwork(graph) is { } whole ? new NetworkProgram(name, graph, backend, whole) : null;

    private NetworkProgram(string name, NetworkGraph graph, ConvBackend backend, IWholeNetwork whole)
    {
        Name = name;
        Graph = graph;
        _ops = graph.Ops.ToArray();
        _kernels = new ConvKernel?[_ops.Length];
        _bfloat16Tensors = new BFloat16Tensors[_ops.Length];
        Backends = _ops.Select(_ => backend.Name).ToArray(); // the small operations too run inside the backend's object
        _whole = whole;
        FirstBackend = LastBackend = backend;
    }

    private readonly IWholeNetwork? _whole;

    /// <summary>Whether the backend runs the whole network as one native object (not operation by operation).</summary>
    public bool IsWholeNetwork => _whole is not null;

    public string Name { get; }

    /// <summary>The backend of the first convolution: it transposes an NCHW input (null: no convolution).</summary>
    public ConvBackend? FirstBackend { get; private set; }

    /// <summary>The backend of the last convolution: it transposes back to NCHW.</summary>
    public ConvBackend? LastBackend { get; private set; }

    /// <summary>Other backends whose NCHW transposes are timed against the edges' own per shape (the planner's; none: the edges' own and the managed one).</summary>
    public IReadOnlyList<ConvBackend> TransformSources { get; set; } = [];

    /// <summary>
    /// Buffers (and NCHW transposes) for one input shape. An NCHW input goes straight into the first convolution when its
    /// backend reads NCHW and writes NHWC in one pass (<see cref="ConvBackend.CreateNchwInputStem"/>) on a specialized
    /// implementation for this shape; otherwise it is transposed first.
    /// </summary>
    /// <param name="bandedOperations">How many of the first operations run in row bands (<see cref="RowBandsRun"/>): they read the input
    /// transposed into NHWC (never the NCHW input itself), and its buffer is kept until they are done.</param>
    public ShapePlan PlanFor(TensorShape shape, TensorLayout layout, int bandedOperations = 0)
    {
        _nchwStemInUse = layout == TensorLayout.Nchw && _whole is null && bandedOperations == 0 && NchwStemFits(shape);
        return new(Graph, shape, layout, FirstBackend, LastBackend, _whole, _nchwStemInUse, TransformSources, bandedOperations);
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

    public NetworkGraph Graph { get; }

    /// <summary>Per operation, the backend that runs it ("managed" for the small operations, unless the backend runs the network whole).</summary>
    public string[] Backends { get; }

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
    /// Runs the plan on the caller's buffers, pinned by the caller for the call. With
    /// <paramref name="ticks"/> (one slot per operation, plus the two layout transposes at the end), adds
    /// each step's elapsed Stopwatch ticks there: a profile, never on the normal path (the operations run in
    /// <paramref name="bands"/>, if any, count on the last of them).
    /// </summary>
    public void Run(ShapePlan plan, TensorLayout layout, float* input, float* output, long[]? ticks = null, RowBandsRun? bands = null)
    {
        long mark = ticks is null ? 0 : Stopwatch.GetTimestamp();
        int count = Graph.ValueCount;
        float** values = stackalloc float*[count];
        for (int v = 0; v < count; v++)
        {
            int s = plan.Storage[v];
            values[v] = s == ValueStorage.CallerInput ? input : s == ValueStorage.CallerOutput ? output : s >= 0 ? plan.Buffers[s].Pointer : null;
        }
        plan.InputTransform?.Run(input, values[NetworkGraph.Input]);
        if (ticks is not null) Tick(ticks, _ops.Length, ref mark);
        if (plan.WholeNetwork is { } whole)
        {
            whole.Run(values[NetworkGraph.Input], values[Graph.Output]);
            if (ticks is not null) Tick(ticks, 0, ref mark);
            plan.OutputTransform?.Run(values[Graph.Output], output);
            if (ticks is not null) Tick(ticks, _ops.Length + 1, ref mark);
            return;
        }
        GraphOp[] ops = _ops;
        int start = 0;
        if (bands is not null)
        {
            bands.Run(values[NetworkGraph.Input], values[bands.Cut]);
            start = bands.Operations;
            if (ticks is not null) Tick(ticks, start - 1, ref mark);
        }
        for (int i = start; i < ops.Length; i++)
        {
            switch (ops[i])
            {
                case ConvOp conv:
                {
                    ref readonly ConvGeometry g = ref plan.Geometries[i];
                    ConvKernel kernel = i == 0 && plan.StemReadsNchw ? _nchwStem! : _kernels[i]!;
                    kernel.Forward(g, new ReadOnlySpan<float>(values[conv.Input], g.InputLength), new Span<float>(values[conv.Output], g.OutputLength));
                    break;
                }
                case ConvSumOp fused:
                {
                    ref readonly ConvGeometry g = ref plan.Geometries[i];
                    float* y = values[fused.Output], residual = values[fused.Residual];
                    if (y != residual) new ReadOnlySpan<float>(residual, g.OutputLength).CopyTo(new Span<float>(y, g.OutputLength));
                    _kernels[i]!.Forward(g, new ReadOnlySpan<float>(values[fused.Input], g.InputLength), new Span<float>(y, g.OutputLength));
                    break;
                }
                case AddOp add:
                    NhwcOps.Add(values[add.Left], values[add.Right], values[add.Output], plan.Shapes[add.Output].Length);
                    break;
                case GlobalAveragePoolOp pool:
                    NhwcOps.GlobalAveragePool(values[pool.Input], values[pool.Output], plan.Shapes[pool.Input]);
                    break;
                case ChannelScaleOp scale:
                    NhwcOps.ChannelScale(values[scale.Input], values[scale.Scale], values[scale.Output], plan.Shapes[scale.Input]);
                    break;
            }
            if (ticks is not null) Tick(ticks, i, ref mark);
        }
        plan.OutputTransform?.Run(values[Graph.Output], output);
        if (ticks is not null) Tick(ticks, _ops.Length + 1, ref mark);
    }

    /// <summary>
    /// Runs images [<paramref name="first"/>, <paramref name="end"/>) of the caller's pinned batch one at a time, on
    /// <paramref name="image"/>, buffers planned for one image (an image is contiguous in NCHW and NHWC alike).
    /// </summary>
    public void RunImages(ShapePlan image, TensorLayout layout, float* input, float* output, int first, int end, long[]? ticks = null)
    {
        long inLength = image.Input.Length, outLength = image.Output.Length;
        for (int i = first; i < end; i++) Run(image, layout, input + i * inLength, output + i * outLength, ticks);
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

    public void Dispose()
    {
        foreach (ConvKernel? kernel in _kernels) kernel?.Dispose();
        _nchwStem?.Dispose();
        _whole?.Dispose();
    }
}
