using NativeConv.Interop.OneDnn;
using static NativeConv.Interop.OneDnn.Dnnl;

namespace NativeConv;

/// <summary>
/// oneDNN's pooling primitive as an operation kernel: forward inference on NHWC, one primitive per input shape, ceil
/// mode's partial last window given as padding_r (<see cref="PoolAxis.LibraryPadEnd"/>; oneDNN's own rule is floor's),
/// dilation counted from 0 as oneDNN does. A call attaches the buffers and executes on the backend's OpenMP threads.
/// </summary>
internal sealed class OneDnnPoolKernel(OneDnnBackend backend, dnnl_alg_kind_t algorithm) : OpKernel
{
    private readonly HandleLease _lease = new(backend.Engine);

    public override string Library => backend.Name;

    public override OpStep Instantiate(GraphOp op, OpShapes shapes) => new Step(op, shapes, backend.Engine.Value, backend.Threads, algorithm, ((Pool2dOp)op).Geometry(shapes));

    public override void Dispose() => _lease.Dispose();

    private sealed unsafe class Step : OpStep
    {
        private readonly int _threads;
        private readonly OneDnnStreamHandle _stream;
        private readonly OneDnnPrimitiveHandle _primitive;
        private readonly OneDnnMemoryHandle _src;
        private readonly OneDnnMemoryHandle _dst;
        private readonly OneDnnMemoryHandle? _scratchpad;

        public Step(GraphOp op, OpShapes shapes, dnnl_engine_t engine, int threads, dnnl_alg_kind_t algorithm, PoolGeometry g) : base(op, shapes)
        {
            _threads = threads;
            string context = $"'{op.Name}' ({op.Definition}) on {g.Input}";
            try
            {
                OpenMpThreads.Use(threads); // oneDNN fixes the thread count when it creates the primitive
                dnnl_stream_t stream;
                ThrowIfFailed(dnnl_stream_create(&stream, engine, (uint)dnnl_stream_flags_t.dnnl_stream_default_flags), nameof(dnnl_stream_create));
                _stream = new OneDnnStreamHandle(stream);
                using var src = OneDnnMemory.Desc([g.Batch, g.Channels, g.Rows.In, g.Columns.In], dnnl_format_tag_t.dnnl_nhwc);
                using var dst = OneDnnMemory.Desc([g.Batch, g.Channels, g.Rows.Out, g.Columns.Out], dnnl_format_tag_t.dnnl_nhwc);
                dnnl_primitive_attr_t attr;
                ThrowIfFailed(dnnl_primitive_attr_create(&attr), nameof(dnnl_primitive_attr_create));
                using var attributes = new OneDnnPrimitiveAttrHandle(attr);
                // The scratchpad is ours: allocated once per shape, never inside a call.
                ThrowIfFailed(dnnl_primitive_attr_set_scratchpad_mode(attr, dnnl_scratchpad_mode_t.dnnl_scratchpad_mode_user), nameof(dnnl_primitive_attr_set_scratchpad_mode));
                long* strides = stackalloc long[] { g.Rows.Stride, g.Columns.Stride };
                long* kernel = stackalloc long[] { g.Rows.Kernel, g.Columns.Kernel };
                long* dilation = stackalloc long[] { g.Rows.Dilation - 1, g.Columns.Dilation - 1 };
                long* padL = stackalloc long[] { g.Rows.PadBegin, g.Columns.PadBegin };
                long* padR = stackalloc long[] { g.Rows.LibraryPadEnd, g.Columns.LibraryPadEnd };
                dnnl_primitive_desc_t pd;
                ThrowIfFailed(dnnl_pooling_forward_primitive_desc_create(&pd, engine, dnnl_prop_kind_t.dnnl_forward_inference, algorithm,
                    src.Value, dst.Value, strides, kernel, dilation, padL, padR, attr), nameof(dnnl_pooling_forward_primitive_desc_create), context);
                using var pdHandle = new OneDnnPrimitiveDescHandle(pd);
                dnnl_primitive_t primitive;
                ThrowIfFailed(dnnl_primitive_create(&primitive, pd), nameof(dnnl_primitive_create), context);
                _primitive = new OneDnnPrimitiveHandle(primitive);
                Implementation = OneDnnImplementationName.Of(pd, context);
                _src = OneDnnMemory.Unattached(engine, src.Value, "src " + context);
                _dst = OneDnnMemory.Unattached(engine, dst.Value, "dst " + context);
                const_dnnl_memory_desc_t scratchpad = dnnl_primitive_desc_query_md(pd, dnnl_query_t.dnnl_query_scratchpad_md, 0);
                if (!scratchpad.IsNull && dnnl_memory_desc_get_size(scratchpad) > 0) _scratchpad = OneDnnMemory.Allocate(engine, scratchpad, "scratchpad " + context);
            }
            catch
            {
                Dispose(); // null-tolerant: releases what was made
                throw;
            }
        }

        public override string Implementation { get; } = "";

        public override void Run(float** values)
        {
            OpenMpThreads.Use(_threads);
            ThrowIfFailed(dnnl_memory_set_data_handle(_src.Value, values[Inputs[0]]), nameof(dnnl_memory_set_data_handle), "src");
            ThrowIfFailed(dnnl_memory_set_data_handle(_dst.Value, values[Outputs[0]]), nameof(dnnl_memory_set_data_handle), "dst");
            dnnl_exec_arg_t* args = stackalloc dnnl_exec_arg_t[3];
            int count = 0;
            args[count++] = new dnnl_exec_arg_t { arg = DNNL_ARG_SRC, memory = _src.Value };
            args[count++] = new dnnl_exec_arg_t { arg = DNNL_ARG_DST, memory = _dst.Value };
            if (_scratchpad is { } scratchpad) args[count++] = new dnnl_exec_arg_t { arg = DNNL_ARG_SCRATCHPAD, memory = scratchpad.Value };
            ThrowIfFailed(dnnl_primitive_execute(_primitive.Value, _stream.Value, count, args), nameof(dnnl_primitive_execute), Implementation);
            ThrowIfFailed(dnnl_stream_wait(_stream.Value), nameof(dnnl_stream_wait));
        }

        public override void Dispose()
        {
            _src?.Dispose();
            _dst?.Dispose();
            _scratchpad?.Dispose();
            _primitive?.Dispose();
            _stream?.Dispose();
        }
    }
}
