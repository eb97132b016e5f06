namespace NativeConv;

/// <summary>
/// One thread's band of a network's first operations (<see cref="RowBands"/>), for one image: for each of them a
/// convolution made for the band's rows and padding, on a single-threaded backend, and a buffer for each value it makes
/// (the band's rows only). It reads the whole image's NHWC input and writes its rows of the cut value into the whole
/// image's buffer for it, which the rest of the network reads. Made once per shape; a call only runs the kernels.
/// </summary>
internal sealed unsafe class RowBand : IDisposable
{
    private readonly GraphOp[] _ops;
    private readonly ConvKernel?[] _kernels;
    private readonly ConvGeometry[] _geometries;
    private readonly int[] _inputRow; // per convolution: its first input row (the band's own rows of its input)
    private readonly (int First, int End)[] _rows;
    private readonly int[] _rowLength; // floats per row of each value
    private readonly NativeFloatBuffer?[] _buffers;
    private readonly int _cut;

    /// <param name="program">The network as planned (its graph, possibly with residual sums fused).</param>
    /// <param name="image">One image's shapes and geometries for the whole network.</param>
    /// <param name="singleThreaded">The single-threaded form of each operation's backend, by the backend's name.</param>
    /// <param name="ops">How many operations the band runs: a cut (<see cref="RowBands.IsCut"/>).</param>
    /// <param name="first">The band's first row of the cut value.</param>
    /// <param name="end">The row after its last.</param>
    public RowBand(NetworkProgram program, ShapePlan image, Func<string, ConvBackend> singleThreaded, int ops, int first, int end)
    {
        NetworkGraph graph = program.Graph;
        Operations = ops;
        _ops = graph.Ops.Take(ops).ToArray();
        _cut = _ops[^1].Output;
        _rows = RowBands.Rows(graph, image.Shapes, image.Geometries, ops, first, end);
        _rowLength = image.Shapes.Select(s => s.Width * s.Channels).ToArray();
        _kernels = new ConvKernel?[ops];
        _geometries = new ConvGeometry[ops];
        _inputRow = new int[ops];
        _buffers = new NativeFloatBuffer?[graph.ValueCount];
        try
        {
            for (int i = 0; i < ops; i++)
            {
                GraphOp op = _ops[i];
                int v = op.Output;
                if (v != _cut) _buffers[v] = new NativeFloatBuffer((_rows[v].End - _rows[v].First) * _rowLength[v]);
                if (op is not (ConvOp or ConvSumOp)) continue;
                ConvOp conv = op as ConvOp ?? ((ConvSumOp)op).Convolution;
                var (inFirst, inEnd, padTop, padBottom) = RowBands.Input(image.Geometries[i], conv.Spec, _rows[v].First, _rows[v].End);
                Conv2dSpec band = RowBands.BandSpec(conv.Spec, image.Geometries[i], padTop, padBottom);
                ConvBackend backend = singleThreaded(program.Backends[i]);
                _kernels[i] = op is ConvSumOp
                    ? backend.CreateWithResidualSum(band, conv.Weights, conv.Bias)
                        ?? throw new InvalidOperationException($"backend '{backend.Name}' has no fused residual sum for '{op.Name}'")
                    : backend.Create(band, TensorLayout.Nhwc, conv.Weights, conv.Bias);
                _geometries[i] = band.Geometry(1, inEnd - inFirst, image.Shapes[conv.Input].Width);
                _inputRow[i] = inFirst;
                if (_geometries[i].OutHeight != _rows[v].End - _rows[v].First)
                    throw new InvalidOperationException($"'{op.Name}': a band of {inEnd - inFirst} input rows gave {_geometries[i].OutHeight} rows, not the {_rows[v].End - _rows[v].First} planned");
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>How many of the network's operations the band runs.</summary>
    public int Operations { get; }

    /// <summary>Operation <paramref name="op"/>'s rows in this band and what runs it (after a call, the implementation that ran).</summary>
    public string Describe(int op)
    {
        var (first, end) = _rows[_ops[op].Output];
        return _kernels[op] is { } kernel ? $"rows {first}-{end - 1} on {kernel.ImplementationName} ({kernel.Spec.Padding})" : $"rows {first}-{end - 1} managed";
    }

    /// <summary>The value the band's last operation makes: the rest of the network reads it whole.</summary>
    public int Cut => _cut;

    /// <summary>Runs the band on the whole image's NHWC <paramref name="input"/>, writing its rows of <paramref name="cut"/>, the cut value's whole-image buffer.</summary>
    public void Run(float* input, float* cut)
    {
        for (int i = 0; i < _ops.Length; i++)
        {
            switch (_ops[i])
            {
                case ConvOp conv:
                {
                    ref readonly ConvGeometry g = ref _geometries[i];
                    _kernels[i]!.Forward(g, new ReadOnlySpan<float>(Row(input, cut, conv.Input, _inputRow[i]), g.InputLength),
                        new Span<float>(Row(input, cut, conv.Output, _rows[conv.Output].First), g.OutputLength));
                    break;
                }
                case ConvSumOp fused:
                {
                    ref readonly ConvGeometry g = ref _geometries[i];
                    float* y = Row(input, cut, fused.Output, _rows[fused.Output].First);
                    new ReadOnlySpan<float>(Row(input, cut, fused.Residual, _rows[fused.Output].First), g.OutputLength).CopyTo(new Span<float>(y, g.OutputLength));
                    _kernels[i]!.Forward(g, new ReadOnlySpan<float>(Row(input, cut, fused.Input, _inputRow[i]), g.InputLength), new Span<float>(y, g.OutputLength));
                    break;
                }
                case AddOp add:
                {
                    var (first, end) = _rows[add.Output];
                    NhwcOps.Add(Row(input, cut, add.Left, first), Row(input, cut, add.Right, first), Row(input, cut, add.Output, first),
                        (end - first) * _rowLength[add.Output]);
                    break;
                }
            }
        }
    }

    /// <summary>Where row <paramref name="row"/> of value <paramref name="v"/> is: the whole image's input and cut buffers, the band's own for the others.</summary>
    private float* Row(float* input, float* cut, int v, int row)
    {
        if (v == NetworkGraph.Input) return input + (long)row * _rowLength[v];
        if (v == _cut) return cut + (long)row * _rowLength[v];
        return _buffers[v]!.Pointer + (long)(row - _rows[v].First) * _rowLength[v];
    }

    public void Dispose()
    {
        foreach (ConvKernel? kernel in _kernels) kernel?.Dispose();
        foreach (NativeFloatBuffer? buffer in _buffers) buffer?.Dispose();
    }
}
