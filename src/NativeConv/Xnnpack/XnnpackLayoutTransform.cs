using NativeConv.Interop.Xnnpack;
using static NativeConv.Interop.Xnnpack.Xnn;

namespace NativeConv;

/// <summary>(N, A, B) → (N, B, A) as XNNPACK's transpose operator, on the backend's pthreadpool.</summary>
internal sealed unsafe class XnnpackLayoutTransform : ILayoutTransform
{
    private readonly HandleLease? _lease;
    private readonly pthreadpool_t _pool;
    private readonly XnnOperatorHandle _transpose;
    private readonly int _length;
    private NativeFloatBuffer? _slackInput; // see XnnpackInputTail

    public XnnpackLayoutTransform(PthreadpoolHandle? pool, int batch, int rows, int columns)
    {
        _lease = pool is null ? null : new HandleLease(pool);
        _pool = pool?.Value ?? default;
        _length = batch * rows * columns;
        try
        {
            xnn_operator_t op;
            ThrowIfFailed(xnn_create_transpose_nd_x32(0, &op), nameof(xnn_create_transpose_nd_x32));
            _transpose = new XnnOperatorHandle(op);
            nuint* shape = stackalloc nuint[] { (nuint)batch, (nuint)rows, (nuint)columns };
            nuint* perm = stackalloc nuint[] { 0, 2, 1 };
            ThrowIfFailed(xnn_reshape_transpose_nd_x32(op, 3, shape, perm, _pool), nameof(xnn_reshape_transpose_nd_x32), $"transpose {batch}x{rows}x{columns}");
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public void Run(float* source, float* destination)
    {
        if (!XnnpackInputTail.IsReadable(source, _length))
        {
            // XNNPACK may read XNN_EXTRA_BYTES past an input: a caller's buffer ending at a page end is copied first.
            _slackInput ??= new NativeFloatBuffer(_length);
            new ReadOnlySpan<float>(source, _length).CopyTo(new Span<float>(_slackInput.Pointer, _length));
            source = _slackInput.Pointer;
        }
        ThrowIfFailed(xnn_setup_transpose_nd_x32(_transpose.Value, source, destination), nameof(xnn_setup_transpose_nd_x32));
        ThrowIfFailed(xnn_run_operator(_transpose.Value, _pool), nameof(xnn_run_operator), "transpose");
    }

    public void Dispose()
    {
        _transpose?.Dispose();
        _slackInput?.Dispose();
        _lease?.Dispose();
    }
}
