using NativeConv.Interop.OneDnn;
using static NativeConv.Interop.OneDnn.Dnnl;

namespace NativeConv;

internal sealed partial class SplitOp : IOneDnnOperation
{
    public OpKernel? LowerOneDnn(OneDnnBackend backend) => OneDnnReorders(backend);

    /// <summary>oneDNN has no split primitive: one reorder per part, from the part's sub-memory of the NHWC input into the NHWC output.</summary>
    internal OpKernel OneDnnReorders(OneDnnBackend backend) => new LibraryKernel(backend.Name, (op, shapes) =>
        new OneDnnMoveStep(op, shapes, backend, Outputs.Length, (k, attr) => DescribeOneDnn(backend.Engine.Value, shapes, k, attr)));

    private unsafe (dnnl_primitive_desc_t, OneDnnMoveStep.Operand[]) DescribeOneDnn(dnnl_engine_t engine, OpShapes shapes, int part, dnnl_primitive_attr_t attr)
    {
        TensorShape x = shapes.Input, y = shapes.Outputs[part];
        string context = $"'{Name}' part {part} of {x}";
        using OneDnnMemoryDescHandle whole = OneDnnMoveStep.Nhwc(x);
        using OneDnnMemoryDescHandle destination = OneDnnMoveStep.Nhwc(y);
        long* dims = stackalloc long[] { y.Batch, y.Channels, y.Height, y.Width };
        long* offsets = stackalloc long[] { 0, Channels[..part].Sum(), 0, 0 };
        dnnl_memory_desc_t sub;
        ThrowIfFailed(dnnl_memory_desc_create_submemory(&sub, whole.Value, dims, offsets), nameof(dnnl_memory_desc_create_submemory), context);
        using var source = new OneDnnMemoryDescHandle(sub);
        dnnl_primitive_desc_t pd;
        ThrowIfFailed(dnnl_reorder_primitive_desc_create(&pd, source.Value, engine, destination.Value, engine, attr), nameof(dnnl_reorder_primitive_desc_create), context);
        return (pd, [new(DNNL_ARG_FROM, Inputs[0]), new(DNNL_ARG_TO, Outputs[part])]);
    }
}
