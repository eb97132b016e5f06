using NativeConv.Interop.Xnnpack;
using static NativeConv.Interop.Xnnpack.Xnn;

namespace NativeConv;

/// <remarks>
/// XNNPACK's subgraph has no channel shuffle node: this is no <see cref="IXnnpackNode"/>, so a network with a shuffle
/// refuses <see cref="NetworkOptions.WholeRuntime"/>, naming it (<see cref="XnnpackNetwork"/>), and runs operation by
/// operation. No <see cref="IOneDnnOperation"/>: oneDNN's shuffle runs NHWC data on its reference implementation, which
/// lost to the managed kernel (measured, interleaved).
/// </remarks>
internal sealed partial class ChannelShuffleOp : IXnnpackOperation
{
    /// <summary>
    /// XNNPACK's operator for three or more groups (ShuffleNet v1's), where its zip kernels on the pool beat the managed
    /// transposes; the managed interleave for two (ShuffleNet v2's), which beat the operator's call at these sizes.
    /// </summary>
    public OpKernel? LowerXnnpack(XnnpackBackend backend) => IsIdentity || Groups == 2 ? null : XnnpackShuffle(backend);

    /// <summary>XNNPACK's channel_shuffle_nc_x32 operator (groups, channels per group): its zip microkernels, pixel by pixel on the pool.</summary>
    internal OpKernel XnnpackShuffle(XnnpackBackend backend) => new LibraryKernel(backend.Name, (op, shapes) => new XnnpackStep(this, shapes, backend));

    private sealed unsafe class XnnpackStep : OpStep
    {
        private readonly HandleLease? _lease;
        private readonly pthreadpool_t _pool;
        private readonly XnnOperatorHandle? _shuffle;
        private readonly int _length;
        private NativeFloatBuffer? _slack; // see XnnpackInputTail

        public XnnpackStep(ChannelShuffleOp op, OpShapes shapes, XnnpackBackend backend) : base(op, shapes)
        {
            TensorShape x = shapes.Input;
            _length = x.Length;
            string context = $"'{op.Name}' ({op.Definition}) on {x}";
            try
            {
                _lease = backend.Pool is null ? null : new HandleLease(backend.Pool);
                _pool = backend.Pool?.Value ?? default;
                xnn_operator_t shuffle;
                ThrowIfFailed(xnn_create_channel_shuffle_nc_x32((nuint)op.Groups, (nuint)(x.Channels / op.Groups), (nuint)x.Channels, (nuint)x.Channels, 0, &shuffle),
                    nameof(xnn_create_channel_shuffle_nc_x32), context);
                _shuffle = new XnnOperatorHandle(shuffle);
                ThrowIfFailed(xnn_reshape_channel_shuffle_nc_x32(shuffle, (nuint)((long)x.Batch * x.Height * x.Width), _pool), nameof(xnn_reshape_channel_shuffle_nc_x32), context);
            }
            catch
            {
                Dispose();
                throw;
            }
        }

        public override string Implementation => "xnnpack:channel_shuffle_nc_x32";

        public override void Run(float** values)
        {
            float* input = XnnpackInputTail.Readable(values[Inputs[0]], _length, ref _slack);
            ThrowIfFailed(xnn_setup_channel_shuffle_nc_x32(_shuffle!.Value, input, values[Outputs[0]]), nameof(xnn_setup_channel_shuffle_nc_x32));
            ThrowIfFailed(xnn_run_operator(_shuffle.Value, _pool), nameof(xnn_run_operator), "channel_shuffle_nc_x32");
        }

        public override void Dispose()
        {
            _shuffle?.Dispose();
            _slack?.Dispose();
            _lease?.Dispose();
        }
    }
}
