using NativeConv.Interop.Xnnpack;
using static NativeConv.Interop.Xnnpack.Xnn;

namespace NativeConv;

/// <summary>
/// What one input shape needs on XNNPACK, made once from the plan: the convolution operator (weights
/// packed), reshaped for the shape, its workspace, and for NCHW two transpose operators and NHWC buffers.
/// </summary>
internal sealed unsafe class XnnpackShapeState : IShapeState
{
    private readonly pthreadpool_t _pool;
    private readonly ActivationKind _activationPass;
    private readonly int _inputLength, _outputLength;
    private readonly XnnOperatorHandle _conv;
    private readonly NativeFloatBuffer? _workspace;
    private readonly XnnOperatorHandle? _toNhwc;
    private readonly XnnOperatorHandle? _toNchw;
    private readonly NativeFloatBuffer? _nhwcInput;
    private readonly NativeFloatBuffer? _nhwcOutput;
    private NativeFloatBuffer? _slackInput; // made on first need: see XnnpackInputTail

    public XnnpackShapeState(XnnpackConvPlan plan, in ConvGeometry g)
    {
        _pool = plan.Pool;
        _activationPass = plan.ActivationPass;
        _inputLength = g.InputLength;
        _outputLength = g.OutputLength;
        ImplementationName = plan.ImplementationName;
        string context = $"{plan.Spec} on input {g.Batch}x{g.InChannels}x{g.InHeight}x{g.InWidth} {plan.Layout}";
        pthreadpool_t pool = plan.Pool;

        _conv = CreateConvolution(plan, g.PadTop, g.PadRight, g.PadBottom, g.PadLeft);
        nuint workspaceSize, alignment, outH, outW;
        ThrowIfFailed(xnn_reshape_convolution2d_nhwc_f32(_conv.Value, (nuint)g.Batch, (nuint)g.InHeight, (nuint)g.InWidth,
            &workspaceSize, &alignment, &outH, &outW, pool), nameof(xnn_reshape_convolution2d_nhwc_f32), context);
        if ((int)outH != g.OutHeight || (int)outW != g.OutWidth)
            throw new InvalidOperationException($"XNNPACK computed output {outH}x{outW}, NativeConv {g.OutHeight}x{g.OutWidth}: {context}");
        if (workspaceSize > 0)
        {
            if (alignment > 64) throw new InvalidOperationException($"XNNPACK asks for a workspace aligned to {alignment} bytes: {context}");
            _workspace = new NativeFloatBuffer((int)((workspaceSize + sizeof(float) - 1) / sizeof(float)));
        }

        if (plan.Layout == TensorLayout.Nchw)
        {
            _nhwcInput = new NativeFloatBuffer(g.InputLength);
            _nhwcOutput = new NativeFloatBuffer(g.OutputLength);
            _toNhwc = Transpose(g.Batch, g.InChannels, g.InHeight * g.InWidth, pool, context);
            _toNchw = Transpose(g.Batch, g.OutHeight * g.OutWidth, g.OutChannels, pool, context);
        }
    }

    public string ImplementationName { get; }

    public void Execute(float* input, float* output)
    {
        pthreadpool_t pool = _pool;
        float* source = XnnpackInputTail.Readable(input, _inputLength, ref _slackInput);
        float* convInput = source, convOutput = output;
        if (_toNhwc is not null)
        {
            ThrowIfFailed(xnn_setup_transpose_nd_x32(_toNhwc.Value, source, _nhwcInput!.Pointer), nameof(xnn_setup_transpose_nd_x32));
            ThrowIfFailed(xnn_run_operator(_toNhwc.Value, pool), nameof(xnn_run_operator), "NCHW->NHWC");
            convInput = _nhwcInput.Pointer;
            convOutput = _nhwcOutput!.Pointer;
        }
        ThrowIfFailed(xnn_setup_convolution2d_nhwc_f32(_conv.Value, _workspace is null ? null : _workspace.Pointer, convInput, convOutput),
            nameof(xnn_setup_convolution2d_nhwc_f32));
        ThrowIfFailed(xnn_run_operator(_conv.Value, pool), nameof(xnn_run_operator), "convolution");
        ActivationPass.Apply(_activationPass, convOutput, _outputLength);
        if (_toNchw is not null)
        {
            ThrowIfFailed(xnn_setup_transpose_nd_x32(_toNchw.Value, convOutput, output), nameof(xnn_setup_transpose_nd_x32));
            ThrowIfFailed(xnn_run_operator(_toNchw.Value, pool), nameof(xnn_run_operator), "NHWC->NCHW");
        }
    }

    /// <summary>
    /// A convolution operator for the kernel's spec with padding already resolved for one input size
    /// (so Same padding is never left to XNNPACK's TensorFlow-SAME flag, whose results differed from
    /// TensorFlow's rule for strided kernels with a side of 1). XNNPACK packs the weights here.
    /// </summary>
    internal static XnnOperatorHandle CreateConvolution(XnnpackConvPlan plan, int top, int right, int bottom, int left)
    {
        Conv2dSpec spec = plan.Spec;
        float min = plan.OutputMin, max = plan.OutputMax; // the clamp part of the activation's lowering
        xnn_operator_t op;
        fixed (float* w = plan.Weights)
        fixed (float* b = plan.Bias)
        {
            ThrowIfFailed(xnn_create_convolution2d_nhwc_f32((uint)top, (uint)right, (uint)bottom, (uint)left,
                (uint)spec.Kernel.Height, (uint)spec.Kernel.Width, (uint)spec.Stride.Height, (uint)spec.Stride.Width,
                (uint)spec.Dilation.Height, (uint)spec.Dilation.Width, (uint)spec.Groups,
                (nuint)spec.InChannelsPerGroup, (nuint)spec.OutChannelsPerGroup, (nuint)spec.InChannels, (nuint)spec.OutChannels,
                w, spec.HasBias ? b : null, min, max, plan.YieldWorkers ? (uint)Interop.Xnnpack.Xnn.XNN_FLAG_YIELD_WORKERS : 0, default, null, &op),
                nameof(xnn_create_convolution2d_nhwc_f32), $"{spec} padding t{top} r{right} b{bottom} l{left}");
        }
        return new XnnOperatorHandle(op);
    }

    /// <summary>(n, a, b) -> (n, b, a) over 32-bit elements.</summary>
    internal static XnnOperatorHandle Transpose(int n, int a, int b, pthreadpool_t pool, string context)
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
        _conv.Dispose();
        _toNhwc?.Dispose();
        _toNchw?.Dispose();
        _workspace?.Dispose();
        _nhwcInput?.Dispose();
        _nhwcOutput?.Dispose();
        _slackInput?.Dispose();
    }
}
