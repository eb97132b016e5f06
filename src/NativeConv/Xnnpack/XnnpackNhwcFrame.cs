using NativeConv.Interop.Xnnpack;
using static NativeConv.Interop.Xnnpack.Xnn;

namespace NativeConv;

/// <summary>
/// What one input shape needs around an XNNPACK computation that runs in NHWC only: for an NCHW layer, two
/// transpose operators and NHWC buffers, made once; for either layout, a copy of an input XNNPACK may not
/// read past (see <see cref="XnnpackInputTail"/>). No allocation per call.
/// </summary>
internal sealed unsafe class XnnpackNhwcFrame : IDisposable
{
    private readonly pthreadpool_t _pool;
    private readonly int _inputLength;
    private readonly XnnOperatorHandle? _toNhwc;
    private readonly XnnOperatorHandle? _toNchw;
    private readonly NativeFloatBuffer? _nhwcInput;
    private readonly NativeFloatBuffer? _nhwcOutput;
    private NativeFloatBuffer? _slackInput; // made on first need

    public XnnpackNhwcFrame(TensorLayout layout, in ConvGeometry g, pthreadpool_t pool, string context)
    {
        _pool = pool;
        _inputLength = g.InputLength;
        if (layout != TensorLayout.Nchw) return;
        _nhwcInput = new NativeFloatBuffer(g.InputLength);
        _nhwcOutput = new NativeFloatBuffer(g.OutputLength);
        _toNhwc = Transpose(g.Batch, g.InChannels, g.InHeight * g.InWidth, pool, context);
        _toNchw = Transpose(g.Batch, g.OutHeight * g.OutWidth, g.OutChannels, pool, context);
    }

    /// <summary>
    /// The NHWC input and output the computation uses: the caller's own (the input made readable past its end),
    /// or for NCHW the frame's buffers, the input transposed into its buffer.
    /// </summary>
    public void Enter(float* input, float* output, out float* nhwcInput, out float* nhwcOutput)
    {
        float* source = XnnpackInputTail.Readable(input, _inputLength, ref _slackInput);
        if (_toNhwc is null)
        {
            nhwcInput = source;
            nhwcOutput = output;
            return;
        }
        ThrowIfFailed(xnn_setup_transpose_nd_x32(_toNhwc.Value, source, _nhwcInput!.Pointer), nameof(xnn_setup_transpose_nd_x32));
        ThrowIfFailed(xnn_run_operator(_toNhwc.Value, _pool), nameof(xnn_run_operator), "NCHW->NHWC");
        nhwcInput = _nhwcInput.Pointer;
        nhwcOutput = _nhwcOutput!.Pointer;
    }

    /// <summary>For NCHW, the NHWC result transposed into the caller's output; otherwise it is already there.</summary>
    public void Leave(float* nhwcOutput, float* output)
    {
        if (_toNchw is null) return;
        ThrowIfFailed(xnn_setup_transpose_nd_x32(_toNchw.Value, nhwcOutput, output), nameof(xnn_setup_transpose_nd_x32));
        ThrowIfFailed(xnn_run_operator(_toNchw.Value, _pool), nameof(xnn_run_operator), "NHWC->NCHW");
    }

    /// <summary>(n, a, b) -> (n, b, a) over 32-bit elements.</summary>
    private static XnnOperatorHandle Transpose(int n, int a, int b, pthreadpool_t pool, string context)
    {
        xnn_operator_t op;
        ThrowIfFailed(xnn_create_transpose_nd_x32(0, &op), nameof(xnn_create_transpose_nd_x32), context);
        var handle = new XnnOperatorHandle(op);
        nuint* shape = stackalloc nuint[] { (nuint)n, (nuint)a, (nuint)b };
        nuint* perm = stackalloc nuint[] { 0, 2, 1 };
        ThrowIfFailed(xnn_reshape_transpose_nd_x32(op, 3, shape, perm, pool), nameof(xnn_reshape_transpose_nd_x32), context);
        return handle;
    }

    public void Dispose()
    {
        _toNhwc?.Dispose();
        _toNchw?.Dispose();
        _nhwcInput?.Dispose();
        _nhwcOutput?.Dispose();
        _slackInput?.Dispose();
    }
}
