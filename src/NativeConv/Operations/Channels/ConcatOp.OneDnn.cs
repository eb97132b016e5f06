using NativeConv.Interop.OneDnn;
using static NativeConv.Interop.OneDnn.Dnnl;

namespace NativeConv;

internal sealed partial class ConcatOp : IOneDnnOperation
{
    public OpKernel? LowerOneDnn(OneDnnBackend backend) => OneDnnConcat(backend);

    /// <summary>oneDNN's concat primitive along dimension 1 (channels) of NHWC inputs into an NHWC output.</summary>
    internal OpKernel OneDnnConcat(OneDnnBackend backend) => new LibraryKernel(backend.Name, (op, shapes) =>
        new OneDnnMoveStep(op, shapes, backend, 1, (_, attr) => DescribeOneDnn(backend.Engine.Value, shapes, attr)));

    private unsafe (dnnl_primitive_desc_t, OneDnnMoveStep.Operand[]) DescribeOneDnn(dnnl_engine_t engine, OpShapes shapes, dnnl_primitive_attr_t attr)
    {
        OneDnnMemoryDescHandle[] sources = shapes.Inputs.Select(OneDnnMoveStep.Nhwc).ToArray();
        try
        {
            using OneDnnMemoryDescHandle destination = OneDnnMoveStep.Nhwc(shapes.Output);
            const_dnnl_memory_desc_t* descs = stackalloc const_dnnl_memory_desc_t[sources.Length];
            for (int k = 0; k < sources.Length; k++) descs[k] = sources[k].Value;
            dnnl_primitive_desc_t pd;
            ThrowIfFailed(dnnl_concat_primitive_desc_create(&pd, engine, destination.Value, sources.Length, 1, descs, attr),
                nameof(dnnl_concat_primitive_desc_create), $"'{Name}' of {string.Join(", ", shapes.Inputs)}");
            var operands = Inputs.Select((v, k) => new OneDnnMoveStep.Operand(DNNL_ARG_MULTIPLE_SRC + k, v)).Append(new(DNNL_ARG_DST, Output)).ToArray();
            return (pd, operands);
        }
        finally
        {
            foreach (OneDnnMemoryDescHandle source in sources) source.Dispose();
        }
    }
}
