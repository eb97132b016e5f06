namespace NativeConv;

/// <summary>
/// A <see cref="NetworkProgram"/> made for one input shape: every value's shape (checked op by op, so a shape that
/// does not fit names the operation), every operation's step, every value's buffer (64-byte aligned, with XNNPACK's
/// read slack) and the NCHW transposes at the edges. A warm call only reads it.
/// </summary>
internal sealed unsafe class ProgramInstance : IDisposable
{
    /// <param name="nchwStem">The first convolution's kernel that reads the caller's NCHW input and writes NHWC (no input transpose); null: none.</param>
    public ProgramInstance(NetworkProgram program, TensorShape[] inputs, TensorLayout layout, ConvKernel? nchwStem)
    {
        Program = program;
        NetworkGraph graph = program.Graph;
        StemReadsNchw = nchwStem is not null;
        Shapes = graph.Shapes(inputs, layout);
        Inputs = inputs;
        // Inside, every value is NHWC: an NHWC caller's buffers are used as they are; an NCHW caller's are transposed
        // once on the way in and once on the way out, except where the two layouts are the same bytes (a 1x1 map).
        bool nhwc = layout == TensorLayout.Nhwc;
        bool[] inputIsCallers = graph.InputValues.Select((v, k) => nhwc || (k == 0 && StemReadsNchw) || SameBytes(Shapes[v])).ToArray();
        bool[] outputIsCallers = graph.OutputValues.Select(v => nhwc || SameBytes(Shapes[v])).ToArray();
        Layout = program.Whole is null
            ? BufferLayout.For(graph, Shapes, inputIsCallers, outputIsCallers)
            : BufferLayout.Edges(graph, Shapes, inputIsCallers, outputIsCallers);
        Buffers = new NativeFloatBuffer[Layout.BufferLengths.Length];
        Steps = new OpStep[program.Whole is null ? graph.Ops.Count : 0];
        InputTransforms = new ILayoutTransform?[graph.InputValues.Length];
        OutputTransforms = new ILayoutTransform?[graph.OutputValues.Length];
        try
        {
            for (int b = 0; b < Buffers.Length; b++) Buffers[b] = new NativeFloatBuffer(Layout.BufferLengths[b]);
            for (int i = 0; i < Steps.Length; i++)
            {
                GraphOp op = graph.Ops[i];
                var shapes = new OpShapes(op.Inputs.Select(v => Shapes[v]).ToArray(), op.Outputs.Select(v => Shapes[v]).ToArray());
                OpKernel kernel = i == 0 && nchwStem is not null ? new ConvOpKernel<Conv2dSpec>(nchwStem, program.Backends[0], residualSum: false, NchwStemNote) : program.Kernel(i)!;
                Steps[i] = kernel.Instantiate(op, shapes);
            }
            WholeNetwork = program.Whole?.CreateRun(Shapes);
            ScansInputs = Steps.Any(s => s.RepairsNonFinite) || (program.Whole is not null && program.FirstBackend?.NonFiniteValues == NonFiniteValues.PyTorch);
            for (int k = 0; k < InputTransforms.Length; k++)
            {
                if (inputIsCallers[k]) continue;
                TensorShape x = Shapes[graph.InputValues[k]];
                InputTransforms[k] = x.Channels == 3 && ThreePlaneInterleave.IsSupported
                    ? new ThreePlaneInterleave(x.Batch, x.Height * x.Width) // an image: faster than either library's transpose
                    : FastestLayoutTransform.Choose(TransformSources(program.FirstBackend, program.TransformSources), x.Batch, x.Channels, x.Height * x.Width);
            }
            for (int k = 0; k < OutputTransforms.Length; k++)
            {
                if (outputIsCallers[k]) continue;
                TensorShape y = Shapes[graph.OutputValues[k]];
                OutputTransforms[k] = FastestLayoutTransform.Choose(TransformSources(program.LastBackend, program.TransformSources), y.Batch, y.Height * y.Width, y.Channels);
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>What Describe adds to a first convolution that reads the NCHW input itself.</summary>
    internal const string NchwStemNote = ", reading the NCHW input itself (no transpose)";

    /// <summary>NCHW and NHWC hold the same bytes: a 1x1 map (a classifier's logits), or one channel.</summary>
    private static bool SameBytes(TensorShape shape) => shape.Height * shape.Width == 1 || shape.Channels == 1;

    /// <summary>The edge's backend, then the other sources on as many threads as it (none without an edge backend: managed).</summary>
    private static IReadOnlyList<ConvBackend> TransformSources(ConvBackend? edge, IReadOnlyList<ConvBackend> others) =>
        edge is null ? [] : [edge, .. others.Where(b => b.Name != edge.Name && b.Threads == edge.Threads)];

    public NetworkProgram Program { get; }

    /// <summary>The input shapes it was made for, in call order.</summary>
    public TensorShape[] Inputs { get; }

    /// <summary>Each value's logical shape.</summary>
    public TensorShape[] Shapes { get; }

    /// <summary>Each operation's step (none when the program runs whole).</summary>
    public OpStep[] Steps { get; }

    /// <summary>Where each value lives.</summary>
    public BufferLayout Layout { get; }

    public NativeFloatBuffer[] Buffers { get; }

    /// <summary>The whole network made for this shape, when its program runs it as one native object (null: operation by operation).</summary>
    public IWholeNetworkRun? WholeNetwork { get; }

    /// <summary>
    /// Whether a call scans its inputs for NaN and ±infinity: some step's library is not exact for them (a call that meets one
    /// runs <see cref="OpStep.RunRepairing"/>), or the whole network runs in one native object that cannot be repaired inside.
    /// </summary>
    public bool ScansInputs { get; }

    /// <summary>Whether the first convolution reads the caller's NCHW input itself (then there is no input transpose).</summary>
    public bool StemReadsNchw { get; }

    /// <summary>Per input, NCHW → NHWC on the way in (null when none is needed).</summary>
    public ILayoutTransform?[] InputTransforms { get; }

    /// <summary>Per output, NHWC → NCHW on the way out (null when none is needed).</summary>
    public ILayoutTransform?[] OutputTransforms { get; }

    /// <summary>Per output, its shape.</summary>
    public TensorShape Output(int k) => Shapes[Program.Graph.OutputValues[k]];

    /// <summary>One pass with the caller's pointers per input and output.</summary>
    public void Run(float** inputs, float** outputs, long[]? ticks = null) => Program.Run(this, inputs, outputs, ticks);

    /// <summary>Slots a tick array needs: the operations, then the input and output transposes.</summary>
    public int TickSlots => Math.Max(Steps.Length, 1) + InputTransforms.Length + OutputTransforms.Length;

    /// <summary>What runs each operation, once made for this shape.</summary>
    public IEnumerable<string> Describe()
    {
        NetworkGraph graph = Program.Graph;
        for (int i = 0; i < graph.Ops.Count; i++)
        {
            GraphOp op = graph.Ops[i];
            if (Program.Whole is { } whole)
            {
                yield return $"{op.Name}: {op.Definition} -> " + (i == 0 ? $"{whole.ImplementationName}, the whole network in one call (profiled on this row)" : $"in the {whole.ImplementationName}");
                continue;
            }
            yield return $"{op.Name}: {op.Definition} -> {Program.Backends[i]} {Steps[i].Implementation}";
        }
        yield return NonFiniteNote();
    }

    /// <summary>The last line of Describe: what NaN and ±infinity in an input give (<see cref="NonFiniteValues"/>).</summary>
    private string NonFiniteNote()
    {
        if (Program.Whole is { } whole)
            return ScansInputs
                ? $"non-finite inputs: refused (NotSupportedException): {whole.ImplementationName} cannot be repaired inside; NonFiniteValues.Library runs XNNPACK's values"
                : $"non-finite inputs: {whole.ImplementationName}'s values (NonFiniteValues.Library): its clamps may turn NaN into a bound";
        int repaired = Steps.Count(s => s.RepairsNonFinite);
        return ScansInputs
            ? $"non-finite inputs: each call scans its inputs once; when one holds NaN or ±infinity, the {repaired} of {Steps.Length} operations whose library " +
              "differs from PyTorch there repair their outputs; an infinity made inside the network from finite inputs follows the libraries"
            : "non-finite inputs: not scanned; every operation gives its library's values (PyTorch's where the library is exact, NonFiniteValues.Library elsewhere)";
    }

    public void Dispose()
    {
        WholeNetwork?.Dispose();
        foreach (OpStep? step in Steps ?? []) step?.Dispose();
        foreach (NativeFloatBuffer? buffer in Buffers ?? []) buffer?.Dispose();
        foreach (ILayoutTransform? transform in InputTransforms ?? []) transform?.Dispose();
        foreach (ILayoutTransform? transform in OutputTransforms ?? []) transform?.Dispose();
    }
}
