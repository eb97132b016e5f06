using NativeConv.Interop.Xnnpack;
using static NativeConv.Interop.Xnnpack.Xnn;

namespace NativeConv;

/// <summary>(N, A, B) → (N, B, A) as XNNPACK's transpose operator (x32 or x8), on the backend's pthreadpool.</summary>
internal sealed unsafe class XnnpackLayoutTransform : ILayoutTransform
{
    private readonly HandleLease? _lease;
    private readonly pthreadpool_t _pool;
    private readonly XnnOperatorHandle _transpose;
    private readonly long _bytes;
    private readonly bool _bytewise;
    private NativeFloatBuffer? _slackInput; // see XnnpackInputTail

    public XnnpackLayoutTransform(PthreadpoolHandle? pool, int batch, int rows, int columns, int elementBytes)
    {
        if (elementBytes is not (sizeof(float) or 1)) throw new ArgumentOutOfRangeException(nameof(elementBytes), elementBytes, "must be 4 or 1");
        _lease = pool is null ? null : new HandleLease(pool);
        _pool = pool?.Value ?? default;
        _bytewise = elementBytes == 1;
        _bytes = (long)batch * rows * columns * elementBytes;
        try
        {
            xnn_operator_t op;
            nuint* shape = stackalloc nuint[] { (nuint)batch, (nuint)rows, (nuint)columns };
            nuint* perm = stackalloc nuint[] { 0, 2, 1 };
            string context = $"transpose {batch}x{rows}x{columns} of {elementBytes}-byte elements";
            if (_bytewise)
            {
                ThrowIfFailed(xnn_create_transpose_nd_x8(0, &op), nameof(xnn_create_transpose_nd_x8));
                _transpose = new XnnOperatorHandle(op);
                ThrowIfFailed(xnn_reshape_transpose_nd_x8(op, 3, shape, perm, _pool), nameof(xnn_reshape_transpose_nd_x8), context);
            }
            else
            {
                ThrowIfFailed(xnn_create_transpose_nd_x32(0, &op), nameof(xnn_create_transpose_nd_x32));
                _transpose = new XnnOperatorHandle(op);
                ThrowIfFailed(xnn_reshape_transpose_nd_x32(op, 3, shape, perm, _pool), nameof(xnn_reshape_transpose_nd_x32), context);
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public void Run(void* source, void* destination)
    {
        if (!XnnpackInputTail.IsReadable(source, _bytes))
        {
            // XNNPACK may read XNN_EXTRA_BYTES past an input: a caller's buffer ending at a page end is copied first.
            _slackInput ??= new NativeFloatBuffer((int)((_bytes + 3) / 4));
            Buffer.MemoryCopy(source, _slackInput.Pointer, _bytes, _bytes);
            source = _slackInput.Pointer;
        }
        if (_bytewise) ThrowIfFailed(xnn_setup_transpose_nd_x8(_transpose.Value, source, destination), nameof(xnn_setup_transpose_nd_x8));
        else ThrowIfFailed(xnn_setup_transpose_nd_x32(_transpose.Value, source, destination), nameof(xnn_setup_transpose_nd_x32));
        ThrowIfFailed(xnn_run_operator(_transpose.Value, _pool), nameof(xnn_run_operator), "transpose");
    }

    public void Dispose()
    {
        _transpose?.Dispose();
        _slackInput?.Dispose();
        _lease?.Dispose();
    }
}
