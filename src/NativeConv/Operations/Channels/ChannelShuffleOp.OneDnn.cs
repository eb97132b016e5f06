using NativeConv.Interop.OneDnn;
using static NativeConv.Interop.OneDnn.Dnnl;

namespace NativeConv;

internal sealed partial class ChannelShuffleOp : IOneDnnOperation
{
    public OpKernel? LowerOneDnn(OneDnnBackend backend) => IsIdentity ? null : OneDnnShuffle(backend);

    /// <summary>
    /// oneDNN's shuffle primitive along dimension 1 of NHWC data. Its group size is the channels per group: it transposes
    /// (C / group size, group size) into (group size, C / group size), PyTorch's shuffle when the group size is C / groups.
    /// </summary>
    internal OpKernel OneDnnShuffle(OneDnnBackend backend) => new LibraryKernel(backend.Name, (op, shapes) =>
        new OneDnnMoveStep(op, shapes, backend, 1, (_, attr) => DescribeOneDnn(backend.Engine.Value, shapes, attr)));

    private unsafe (dnnl_primitive_desc_t, OneDnnMoveStep.Operand[]) DescribeOneDnn(dnnl_engine_t engine, OpShapes shapes, dnnl_primitive_attr_t attr)
    {
        using OneDnnMemoryDescHandle data = OneDnnMoveStep.Nhwc(shapes.Input);
        dnnl_primitive_desc_t pd;
        ThrowIfFailed(dnnl_shuffle_forward_primitive_desc_create(&pd, engine, dnnl_prop_kind_t.dnnl_forward_inference, data.Value, data.Value, 1, Channels / Groups, attr),
            nameof(dnnl_shuffle_forward_primitive_desc_create), $"'{Name}' on {shapes.Input}");
        return (pd, [new(DNNL_ARG_SRC, Inputs[0]), new(DNNL_ARG_DST, Output)]);
    }
}
