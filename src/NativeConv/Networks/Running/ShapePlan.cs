namespace NativeConv;

/// <summary>
/// A network applied to one input shape, planned once: every value's shape (checked op by op, so a
/// shape that does not fit names the operation), every convolution's geometry, and every value's
/// buffer (64-byte aligned, with XNNPACK's read slack). A warm call only reads this.
/// </summary>
internal sealed class ShapePlan : IDisposable
{
    /// <param name="inputBackend">The first convolution's: an NCHW input is transposed on its threads (null: managed).</param>
    /// <param name="outputBackend">The last convolution's: transposed back to NCHW on its threads.</param>
    /// <param name="transformSources">
    /// Other backends whose transposes are timed against the edge's own and the managed one (those with the same
    /// threads as the edge's backend), the fastest kept (<see cref="FastestLayoutTransform"/>).
    /// </param>
    /// <param name="whole">The network as one native object: only the edges get buffers (for an NCHW caller), the object keeps the rest.</param>
    /// <param name="stemReadsNchw">The first convolution reads the caller's NCHW input and writes NHWC: no input transpose.</param>
    /// <param name="bandedOperations">How many operations run in row bands (<see cref="RowBandsRun"/>): the input's buffer is kept
    /// until they are all done, since a band still reads it while another writes the value they make.</param>
    public ShapePlan(NetworkGraph graph, TensorShape input, TensorLayout layout, ConvBackend? inputBackend = null, ConvBackend? outputBackend = null,
        IWholeNetwork? whole = null, bool stemReadsNchw = false, IReadOnlyList<ConvBackend>? transformSources = null, int bandedOperations = 0)
    {
        StemReadsNchw = stemReadsNchw;
        Shapes = ShapesFor(graph, input, layout, out ConvGeometry[] geometries);
        Geometries = geometries;
        // Inside, every value is NHWC: an NHWC caller's buffers are used as they are; an NCHW caller's are
        // transposed once on the way in and once on the way out.
        bool nhwc = layout == TensorLayout.Nhwc;
        (Storage, int[] lengths) = whole is null
            ? BufferPlanner.Assign(graph, Shapes, inputIsCallers: nhwc || stemReadsNchw, outputIsCallers: nhwc, inputLiveThrough: bandedOperations - 1)
            : BufferPlanner.AssignEdges(graph, Shapes, inputIsCallers: nhwc, outputIsCallers: nhwc);
        Buffers = new NativeFloatBuffer[lengths.Length];
        try
        {
            for (int b = 0; b < lengths.Length; b++) Buffers[b] = new NativeFloatBuffer(lengths[b]);
            WholeNetwork = whole?.CreateRun(Shapes, Geometries);
            if (!nhwc)
            {
                TensorShape x = Input, y = Output;
                InputTransform = stemReadsNchw ? null : x.Channels == 3 && ThreePlaneInterleave.IsSupported
                    ? new ThreePlaneInterleave(x.Batch, x.Height * x.Width) // an image: faster than either library's transpose
                    : FastestLayoutTransform.Choose(TransformSources(inputBackend, transformSources), x.Batch, x.Channels, x.Height * x.Width);
                OutputTransform = FastestLayoutTransform.Choose(TransformSources(outputBackend, transformSources), y.Batch, y.Height * y.Width, y.Channels);
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The edge's backend, then the other sources on as many threads as it (none without an edge backend: managed).</summary>
    private static IReadOnlyList<ConvBackend> TransformSources(ConvBackend? edge, IReadOnlyList<ConvBackend>? others) =>
        edge is null ? [] : [edge, .. (others ?? []).Where(b => b.Name != edge.Name && b.Threads == edge.Threads)];

    /// <summary>Each value's logical shape.</summary>
    public TensorShape[] Shapes { get; }

    /// <summary>Each operation's convolution geometry (default for other operations).</summary>
    public ConvGeometry[] Geometries { get; }

    /// <summary>Each value's buffer index, or a <see cref="ValueStorage"/> constant.</summary>
    public int[] Storage { get; }

    public NativeFloatBuffer[] Buffers { get; }

    /// <summary>The whole network made for this shape, when its program runs it as one native object (null: operation by operation).</summary>
    public IWholeNetworkRun? WholeNetwork { get; }

    /// <summary>Whether the first convolution reads the caller's NCHW input itself (then there is no <see cref="InputTransform"/>).</summary>
    public bool StemReadsNchw { get; }

    /// <summary>NCHW → NHWC on the way in (null when the caller's layout is NHWC, or the first convolution reads NCHW).</summary>
    public ILayoutTransform? InputTransform { get; }

    /// <summary>NHWC → NCHW on the way out.</summary>
    public ILayoutTransform? OutputTransform { get; }

    public TensorShape Input => Shapes[NetworkGraph.Input];

    public TensorShape Output => Shapes[^1];

    /// <summary>Shapes of every value for <paramref name="input"/>, or an exception naming the operation that cannot take its input.</summary>
    public static TensorShape[] ShapesFor(NetworkGraph graph, TensorShape input, TensorLayout layout, out ConvGeometry[] geometries)
    {
        if (input.Channels != graph.Channels[NetworkGraph.Input])
            throw new ArgumentException($"the network takes {graph.Channels[NetworkGraph.Input]} channels, not the {input.Channels} of {input.ToString(layout)}", nameof(input));
        var shapes = new TensorShape[graph.ValueCount];
        geometries = new ConvGeometry[graph.Ops.Count];
        shapes[NetworkGraph.Input] = input;
        _ = input.Length; // throws when the input alone is too large
        for (int i = 0; i < graph.Ops.Count; i++)
        {
            GraphOp op = graph.Ops[i];
            TensorShape x = shapes[op.Inputs[0]];
            try
            {
                shapes[op.Output] = op switch
                {
                    ConvOp conv => Conv(conv.Spec, x, out geometries[i]),
                    ConvSumOp fused => Same(Conv(fused.Spec, x, out geometries[i]), shapes[fused.Residual], "residual add"),
                    AddOp add => Same(x, shapes[add.Right], "add"),
                    GlobalAveragePoolOp => x with { Height = 1, Width = 1 },
                    ChannelScaleOp scale => Scaled(x, shapes[scale.Scale]),
                    _ => throw new InvalidOperationException($"unknown operation {op}"),
                };
                _ = shapes[op.Output].Length;
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException($"input {input.ToString(layout)}: '{op.Name}' cannot take {x}: {e.Message}", nameof(input), e);
            }
        }
        return shapes;
    }

    private static TensorShape Conv(Conv2dSpec spec, TensorShape x, out ConvGeometry g)
    {
        g = spec.Geometry(x.Batch, x.Height, x.Width);
        return new TensorShape(g.Batch, g.OutChannels, g.OutHeight, g.OutWidth);
    }

    private static TensorShape Same(TensorShape a, TensorShape b, string what) =>
        a == b ? a : throw new ArgumentException($"{what} of {a} and {b}: the shapes differ");

    private static TensorShape Scaled(TensorShape x, TensorShape scale) =>
        scale == x with { Height = 1, Width = 1 } ? x : throw new ArgumentException($"scale {scale} does not match {x} per channel");

    public void Dispose()
    {
        WholeNetwork?.Dispose();
        foreach (NativeFloatBuffer? buffer in Buffers) buffer?.Dispose();
        InputTransform?.Dispose();
        OutputTransform?.Dispose();
    }
}
