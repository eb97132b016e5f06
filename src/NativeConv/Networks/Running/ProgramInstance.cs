namespace NativeConv;

/// <summary>
/// A <see cref="NetworkProgram"/> made for one input shape: every value's shape (checked op by op, so a shape that
/// does not fit names the operation), every convolution's geometry, every value's buffer (64-byte aligned, with
/// XNNPACK's read slack) and the NCHW transposes at the edges. A warm call only reads it.
/// </summary>
internal sealed class ProgramInstance : IDisposable
{
    /// <param name="whole">The network as one native object: only the edges get buffers (for an NCHW caller), the object keeps the rest.</param>
    /// <param name="stemReadsNchw">The first convolution reads the caller's NCHW input and writes NHWC: no input transpose.</param>
    public ProgramInstance(NetworkProgram program, TensorShape input, TensorLayout layout, IWholeNetwork? whole, bool stemReadsNchw)
    {
        Program = program;
        StemReadsNchw = stemReadsNchw;
        Shapes = program.Graph.Shapes(input, layout, out ConvGeometry[] geometries);
        Geometries = geometries;
        // Inside, every value is NHWC: an NHWC caller's buffers are used as they are; an NCHW caller's are transposed
        // once on the way in and once on the way out.
        bool nhwc = layout == TensorLayout.Nhwc;
        Layout = whole is null
            ? BufferLayout.For(program.Graph, Shapes, inputIsCallers: nhwc || stemReadsNchw, outputIsCallers: nhwc)
            : BufferLayout.Edges(program.Graph, Shapes, inputIsCallers: nhwc, outputIsCallers: nhwc);
        Buffers = new NativeFloatBuffer[Layout.BufferLengths.Length];
        try
        {
            for (int b = 0; b < Buffers.Length; b++) Buffers[b] = new NativeFloatBuffer(Layout.BufferLengths[b]);
            WholeNetwork = whole?.CreateRun(Shapes, Geometries);
            if (!nhwc)
            {
                TensorShape x = Input, y = Output;
                InputTransform = stemReadsNchw ? null : x.Channels == 3 && ThreePlaneInterleave.IsSupported
                    ? new ThreePlaneInterleave(x.Batch, x.Height * x.Width) // an image: faster than either library's transpose
                    : FastestLayoutTransform.Choose(TransformSources(program.FirstBackend, program.TransformSources), x.Batch, x.Channels, x.Height * x.Width);
                OutputTransform = FastestLayoutTransform.Choose(TransformSources(program.LastBackend, program.TransformSources), y.Batch, y.Height * y.Width, y.Channels);
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The edge's backend, then the other sources on as many threads as it (none without an edge backend: managed).</summary>
    private static IReadOnlyList<ConvBackend> TransformSources(ConvBackend? edge, IReadOnlyList<ConvBackend> others) =>
        edge is null ? [] : [edge, .. others.Where(b => b.Name != edge.Name && b.Threads == edge.Threads)];

    public NetworkProgram Program { get; }

    /// <summary>Each value's logical shape.</summary>
    public TensorShape[] Shapes { get; }

    /// <summary>Each operation's convolution geometry (default for other operations).</summary>
    public ConvGeometry[] Geometries { get; }

    /// <summary>Where each value lives.</summary>
    public BufferLayout Layout { get; }

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

    public unsafe void Run(float* input, float* output, long[]? ticks = null) => Program.Run(this, input, output, ticks);

    public void Dispose()
    {
        WholeNetwork?.Dispose();
        foreach (NativeFloatBuffer? buffer in Buffers ?? []) buffer?.Dispose();
        InputTransform?.Dispose();
        OutputTransform?.Dispose();
    }
}
