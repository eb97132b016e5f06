using NativeConv.Interop.Xnnpack;
using static NativeConv.Interop.Xnnpack.Xnn;

namespace NativeConv;

internal sealed partial class ResizeOp : IXnnpackOperation, IXnnpackNode
{
    /// <summary>
    /// Null: the managed pass, which measured faster than XNNPACK's resize_bilinear2d on 2 threads (ResizeMeasurement, in
    /// tests/NativeConv.Benchmarks); <see cref="CreateXnnpackKernel"/> keeps the operator there to measure again.
    /// </summary>
    public OpKernel? LowerXnnpack(XnnpackBackend backend) => null;

    /// <summary>
    /// XNNPACK's resize_bilinear2d_nhwc_f32 (bilinear only: XNNPACK has no nearest resize). Its coordinates
    /// (indirection.c): no flag is half-pixel clamped to the image; XNN_FLAG_ALIGN_CORNERS aligns corners;
    /// XNN_FLAG_TENSORFLOW_LEGACY_MODE is asymmetric. Shapes no flag matches, and nearest, run managed.
    /// </summary>
    internal OpKernel CreateXnnpackKernel(XnnpackBackend backend) => new XnnpackKernel(this, backend);

    /// <summary>
    /// The XNNPACK flags computing this convention for these shapes, or null: PytorchHalfPixel is half-pixel where no
    /// output axis is 1, and coordinate 0 on both axes (align-corners' rule for an output of 1) where both are.
    /// </summary>
    internal uint? XnnpackFlags(OpShapes shapes)
    {
        if (Spec.Mode != ResizeMode.Bilinear) return null;
        bool single = shapes.Output.Height == 1, singleBoth = single && shapes.Output.Width == 1;
        return Spec.Coordinates switch
        {
            ResizeCoordinates.HalfPixel => 0u,
            ResizeCoordinates.AlignCorners => (uint)XNN_FLAG_ALIGN_CORNERS,
            ResizeCoordinates.Asymmetric => (uint)XNN_FLAG_TENSORFLOW_LEGACY_MODE,
            _ when singleBoth => (uint)XNN_FLAG_ALIGN_CORNERS,
            _ when !single && shapes.Output.Width > 1 => 0u,
            _ => (uint?)null,
        };
    }

    /// <summary>Refuses, when the network is made, what the subgraph runtime can never run: nearest, or a known size it cannot map.</summary>
    public IDisposable? CreateStatics()
    {
        if (Spec.Mode == ResizeMode.Nearest)
            throw new NotSupportedException($"'{Name}' ({Definition}): XNNPACK's subgraph runtime has no nearest resize; run it operation by operation");
        if (Spec.Size is { } size && XnnpackFlags(new OpShapes([], [new TensorShape(1, 1, size.Height, size.Width)])) is null)
            throw new NotSupportedException($"'{Name}' ({Definition}): XNNPACK has no pytorch-half-pixel for an output of {size}; run it operation by operation");
        return null;
    }

    /// <summary>A static resize bilinear node for this shape's output size.</summary>
    public void Define(XnnpackSubgraph subgraph, IDisposable? statics, ReadOnlySpan<uint> inputs, ReadOnlySpan<uint> outputs, OpShapes shapes)
    {
        uint flags = XnnpackFlags(shapes)
            ?? throw new NotSupportedException($"{subgraph.Where}: XNNPACK has no pytorch-half-pixel for an output of {shapes.Output.Height}x{shapes.Output.Width}; run it operation by operation");
        subgraph.Check(xnn_define_static_resize_bilinear_2d(subgraph.Handle, (nuint)shapes.Output.Height, (nuint)shapes.Output.Width, inputs[0], outputs[0], flags),
            nameof(xnn_define_static_resize_bilinear_2d));
    }

    private sealed class XnnpackKernel(ResizeOp resize, XnnpackBackend backend) : OpKernel
    {
        private readonly HandleLease? _pool = backend.Pool is { } pool ? new HandleLease(pool) : null;

        public override string Library => backend.Name;

        public override OpStep Instantiate(GraphOp op, OpShapes shapes) => resize.XnnpackFlags(shapes) is { } flags
            ? new XnnpackStep(resize, shapes, backend.Pool?.Value ?? default, flags)
            : resize.ManagedStep(shapes, "; managed: XNNPACK has no nearest, nor pytorch-half-pixel for this output");

        public override void Dispose() => _pool?.Dispose();
    }

    /// <summary>The operator made and reshaped for one shape (XNNPACK computes its indirection once, at reshape); each call sets it up on the call's buffers.</summary>
    private sealed unsafe class XnnpackStep : OpStep
    {
        private readonly pthreadpool_t _pool;
        private readonly XnnOperatorHandle _operator = null!;
        private readonly int _inputLength;
        private NativeFloatBuffer? _slack; // see XnnpackInputTail

        public XnnpackStep(ResizeOp op, OpShapes shapes, pthreadpool_t pool, uint flags) : base(op, shapes)
        {
            _pool = pool;
            TensorShape s = shapes.Input, o = shapes.Output;
            _inputLength = s.Length;
            string context = $"'{op.Name}' ({op.Definition}) {s} -> {o}";
            xnn_operator_t resize;
            ThrowIfFailed(xnn_create_resize_bilinear2d_nhwc_f32((nuint)o.Height, (nuint)o.Width, flags, &resize), nameof(xnn_create_resize_bilinear2d_nhwc_f32), context);
            _operator = new XnnOperatorHandle(resize);
            try
            {
                nuint workspace, alignment;
                ThrowIfFailed(xnn_reshape_resize_bilinear2d_nhwc_f32(resize, (nuint)s.Batch, (nuint)s.Height, (nuint)s.Width, (nuint)s.Channels,
                    (nuint)s.Channels, (nuint)s.Channels, &workspace, &alignment, pool), nameof(xnn_reshape_resize_bilinear2d_nhwc_f32), context);
                if (workspace != 0) throw new InvalidOperationException($"{context}: XNNPACK asked for a {workspace}-byte workspace, which it needs only with a transient indirection buffer");
            }
            catch
            {
                _operator.Dispose();
                throw;
            }
        }

        public override string Implementation => "xnnpack resize_bilinear2d_nhwc_f32";

        public override void Run(float** values)
        {
            float* input = XnnpackInputTail.Readable(values[Inputs[0]], _inputLength, ref _slack);
            ThrowIfFailed(xnn_setup_resize_bilinear2d_nhwc_f32(_operator.Value, null, input, values[Outputs[0]]), nameof(xnn_setup_resize_bilinear2d_nhwc_f32));
            ThrowIfFailed(xnn_run_operator(_operator.Value, _pool), nameof(xnn_run_operator), Implementation);
        }

        public override void Dispose()
        {
            _operator?.Dispose();
            _slack?.Dispose();
        }
    }
}
