using NativeConv.Interop.Xnnpack;
using static NativeConv.Interop.Xnnpack.Xnn;

namespace NativeConv.Benchmarks;

/// <summary>
/// XNNPACK's max_pooling2d_nhwc_f32 or average_pooling2d_nhwc_f32 operator as an operation kernel: one operator per
/// input shape, ceil mode's partial last window given as bottom and right padding (<see cref="PoolAxis.LibraryPadEnd"/>),
/// output bounds ±∞, on the backend's pthreadpool. Timed here only, not a lowering: both operators lose PyTorch's NaN
/// (the max drops it; the average's clamp to the output bounds turns it into −∞) and neither beat the managed pass.
/// </summary>
internal sealed class XnnpackPoolKernel(XnnpackBackend backend, bool maximum) : OpKernel
{
    private readonly HandleLease? _lease = backend.Pool is null ? null : new HandleLease(backend.Pool);

    public override string Library => backend.Name;

    public override OpStep Instantiate(GraphOp op, OpShapes shapes) => new Step(op, shapes, backend.Pool?.Value ?? default, maximum, ((Pool2dOp)op).Geometry(shapes));

    public override void Dispose() => _lease?.Dispose();

    private sealed unsafe class Step : OpStep
    {
        private readonly pthreadpool_t _pool;
        private readonly bool _maximum;
        private readonly int _inputLength;
        private readonly XnnOperatorHandle _operator;
        private readonly NativeFloatBuffer? _workspace;
        private NativeFloatBuffer? _slackInput; // see XnnpackInputTail

        public Step(GraphOp op, OpShapes shapes, pthreadpool_t pool, bool maximum, PoolGeometry g) : base(op, shapes)
        {
            _pool = pool;
            _maximum = maximum;
            _inputLength = g.Input.Length;
            string context = $"'{op.Name}' ({op.Definition}) on {g.Input}";
            uint top = (uint)g.Rows.PadBegin, left = (uint)g.Columns.PadBegin, bottom = (uint)g.Rows.LibraryPadEnd, right = (uint)g.Columns.LibraryPadEnd;
            try
            {
                xnn_operator_t handle;
                nuint outH, outW;
                if (maximum)
                {
                    ThrowIfFailed(xnn_create_max_pooling2d_nhwc_f32(top, right, bottom, left, (uint)g.Rows.Kernel, (uint)g.Columns.Kernel,
                        (uint)g.Rows.Stride, (uint)g.Columns.Stride, (uint)g.Rows.Dilation, (uint)g.Columns.Dilation,
                        float.NegativeInfinity, float.PositiveInfinity, 0, &handle), nameof(xnn_create_max_pooling2d_nhwc_f32), context);
                    _operator = new XnnOperatorHandle(handle);
                    ThrowIfFailed(xnn_reshape_max_pooling2d_nhwc_f32(handle, (nuint)g.Batch, (nuint)g.Rows.In, (nuint)g.Columns.In, (nuint)g.Channels,
                        (nuint)g.Channels, (nuint)g.Channels, &outH, &outW, _pool), nameof(xnn_reshape_max_pooling2d_nhwc_f32), context);
                }
                else
                {
                    ThrowIfFailed(xnn_create_average_pooling2d_nhwc_f32(top, right, bottom, left, (uint)g.Rows.Kernel, (uint)g.Columns.Kernel,
                        (uint)g.Rows.Stride, (uint)g.Columns.Stride, float.NegativeInfinity, float.PositiveInfinity, 0, &handle),
                        nameof(xnn_create_average_pooling2d_nhwc_f32), context);
                    _operator = new XnnOperatorHandle(handle);
                    nuint workspaceSize, alignment;
                    ThrowIfFailed(xnn_reshape_average_pooling2d_nhwc_f32(handle, (nuint)g.Batch, (nuint)g.Rows.In, (nuint)g.Columns.In, (nuint)g.Channels,
                        (nuint)g.Channels, (nuint)g.Channels, &workspaceSize, &alignment, &outH, &outW, _pool), nameof(xnn_reshape_average_pooling2d_nhwc_f32), context);
                    if (workspaceSize > 0)
                    {
                        if (alignment > 64) throw new InvalidOperationException($"XNNPACK asks for a workspace aligned to {alignment} bytes: {context}");
                        _workspace = new NativeFloatBuffer((int)((workspaceSize + sizeof(float) - 1) / sizeof(float)));
                    }
                }
                if ((int)outH != g.Rows.Out || (int)outW != g.Columns.Out)
                    throw new InvalidOperationException($"XNNPACK computed output {outH}x{outW}, NativeConv {g.Rows.Out}x{g.Columns.Out}: {context}");
            }
            catch
            {
                Dispose();
                throw;
            }
        }

        public override string Implementation => _maximum ? "max_pooling2d_nhwc_f32" : "average_pooling2d_nhwc_f32";

        public override void Run(float** values)
        {
            // XNNPACK may read past the end of its input.
            float* x = XnnpackInputTail.Readable(values[Inputs[0]], _inputLength, ref _slackInput), y = values[Outputs[0]];
            if (_maximum) ThrowIfFailed(xnn_setup_max_pooling2d_nhwc_f32(_operator.Value, x, y), nameof(xnn_setup_max_pooling2d_nhwc_f32));
            else ThrowIfFailed(xnn_setup_average_pooling2d_nhwc_f32(_operator.Value, _workspace is null ? null : _workspace.Pointer, x, y), nameof(xnn_setup_average_pooling2d_nhwc_f32));
            ThrowIfFailed(xnn_run_operator(_operator.Value, _pool), nameof(xnn_run_operator), Implementation);
        }

        public override void Dispose()
        {
            _operator?.Dispose();
            _workspace?.Dispose();
            _slackInput?.Dispose();
        }
    }
}
