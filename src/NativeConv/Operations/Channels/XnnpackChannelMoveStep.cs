using NativeConv.Interop.Xnnpack;
using static NativeConv.Interop.Xnnpack.Xnn;

namespace NativeConv;

/// <summary>
/// Concat and split on XNNPACK's operators: one strided copy (copy_nc_x32, what its subgraph's concatenate and even
/// split nodes run) per <see cref="ChannelMove"/>, made and reshaped for the shape; a call sets up and runs them on the
/// backend's pool.
/// </summary>
internal sealed unsafe class XnnpackChannelMoveStep : OpStep
{
    private readonly HandleLease? _lease;
    private readonly pthreadpool_t _pool;
    private readonly ChannelMove[] _moves;
    private readonly XnnOperatorHandle?[] _copies;
    private readonly int[] _sourceLengths;
    private readonly NativeFloatBuffer?[] _slack; // see XnnpackInputTail

    public XnnpackChannelMoveStep(GraphOp op, OpShapes shapes, ChannelMove[] moves, XnnpackBackend backend) : base(op, shapes)
    {
        _moves = moves;
        _copies = new XnnOperatorHandle?[moves.Length];
        _slack = new NativeFloatBuffer?[moves.Length];
        TensorShape x = shapes.Input;
        long pixels = (long)x.Batch * x.Height * x.Width;
        _sourceLengths = moves.Select(m => checked((int)(pixels * m.SourceStride))).ToArray();
        try
        {
            _lease = backend.Pool is null ? null : new HandleLease(backend.Pool);
            _pool = backend.Pool?.Value ?? default;
            for (int k = 0; k < moves.Length; k++)
            {
                ChannelMove m = moves[k];
                string context = $"'{op.Name}': {pixels} runs of {m.Run} channels, strides {m.SourceStride} and {m.DestinationStride}";
                xnn_operator_t copy;
                ThrowIfFailed(xnn_create_copy_nc_x32(0, &copy), nameof(xnn_create_copy_nc_x32), context);
                _copies[k] = new XnnOperatorHandle(copy);
                ThrowIfFailed(xnn_reshape_copy_nc_x32(copy, (nuint)pixels, (nuint)m.Run, (nuint)m.SourceStride, (nuint)m.DestinationStride, _pool),
                    nameof(xnn_reshape_copy_nc_x32), context);
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public override string Implementation => $"xnnpack:copy_nc_x32 x{_moves.Length}";

    public override void Run(float** values)
    {
        for (int k = 0; k < _moves.Length; k++)
        {
            ChannelMove m = _moves[k];
            // XNNPACK may read past the end of an input: a caller's buffer ending at a page end is copied first.
            float* source = XnnpackInputTail.Readable(values[m.Source], _sourceLengths[k], ref _slack[k]);
            xnn_operator_t copy = _copies[k]!.Value;
            ThrowIfFailed(xnn_setup_copy_nc_x32(copy, source + m.SourceOffset, values[m.Destination] + m.DestinationOffset), nameof(xnn_setup_copy_nc_x32));
            ThrowIfFailed(xnn_run_operator(copy, _pool), nameof(xnn_run_operator), "copy_nc_x32");
        }
    }

    public override void Dispose()
    {
        foreach (XnnOperatorHandle? copy in _copies) copy?.Dispose();
        foreach (NativeFloatBuffer? slack in _slack) slack?.Dispose();
        _lease?.Dispose();
    }
}
