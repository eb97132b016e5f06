using NativeConv.Interop.OneDnn;
using static NativeConv.Interop.OneDnn.Dnnl;

namespace NativeConv;

/// <summary>(N, A, B) → (N, B, A) as a oneDNN reorder (abc → acb) of f32 or u8 elements: JIT-compiled, on OpenMP's threads.</summary>
internal sealed unsafe class OneDnnLayoutTransform : ILayoutTransform
{
    private readonly HandleLease _lease;
    private readonly int _threads;
    private readonly OneDnnStreamHandle _stream;
    private readonly OneDnnPrimitiveHandle _reorder;
    private readonly OneDnnMemoryHandle _source;
    private readonly OneDnnMemoryHandle _destination;

    public OneDnnLayoutTransform(OneDnnEngineHandle engine, int threads, int batch, int rows, int columns, int elementBytes)
    {
        // A transpose moves bytes: u8 serves int8 and uint8 alike.
        dnnl_data_type_t type = elementBytes switch
        {
            sizeof(float) => dnnl_data_type_t.dnnl_f32,
            1 => dnnl_data_type_t.dnnl_u8,
            _ => throw new ArgumentOutOfRangeException(nameof(elementBytes), elementBytes, "must be 4 or 1"),
        };
        _lease = new HandleLease(engine);
        _threads = threads;
        string context = $"transpose {batch}x{rows}x{columns} of {elementBytes}-byte elements";
        try
        {
            OpenMpThreads.Use(threads); // oneDNN fixes the thread count when it creates the primitive
            dnnl_stream_t stream;
            ThrowIfFailed(dnnl_stream_create(&stream, engine.Value, (uint)dnnl_stream_flags_t.dnnl_stream_default_flags), nameof(dnnl_stream_create));
            _stream = new OneDnnStreamHandle(stream);
            using var from = OneDnnMemory.Desc([batch, rows, columns], dnnl_format_tag_t.dnnl_abc, type);
            using var to = OneDnnMemory.Desc([batch, rows, columns], dnnl_format_tag_t.dnnl_acb, type);
            dnnl_primitive_desc_t pd;
            ThrowIfFailed(dnnl_reorder_primitive_desc_create(&pd, from.Value, engine.Value, to.Value, engine.Value, default),
                nameof(dnnl_reorder_primitive_desc_create), context);
            using var pdHandle = new OneDnnPrimitiveDescHandle(pd);
            dnnl_primitive_t reorder;
            ThrowIfFailed(dnnl_primitive_create(&reorder, pd), nameof(dnnl_primitive_create), context);
            _reorder = new OneDnnPrimitiveHandle(reorder);
            _source = OneDnnMemory.Unattached(engine.Value, from.Value, context);
            _destination = OneDnnMemory.Unattached(engine.Value, to.Value, context);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public void Run(void* source, void* destination)
    {
        OpenMpThreads.Use(_threads);
        ThrowIfFailed(dnnl_memory_set_data_handle(_source.Value, source), nameof(dnnl_memory_set_data_handle), "transpose source");
        ThrowIfFailed(dnnl_memory_set_data_handle(_destination.Value, destination), nameof(dnnl_memory_set_data_handle), "transpose destination");
        dnnl_exec_arg_t* args = stackalloc dnnl_exec_arg_t[2];
        args[0] = new dnnl_exec_arg_t { arg = DNNL_ARG_FROM, memory = _source.Value };
        args[1] = new dnnl_exec_arg_t { arg = DNNL_ARG_TO, memory = _destination.Value };
        ThrowIfFailed(dnnl_primitive_execute(_reorder.Value, _stream.Value, 2, args), nameof(dnnl_primitive_execute), "transpose");
        ThrowIfFailed(dnnl_stream_wait(_stream.Value), nameof(dnnl_stream_wait));
    }

    public void Dispose()
    {
        _source?.Dispose();
        _destination?.Dispose();
        _reorder?.Dispose();
        _stream?.Dispose();
        _lease.Dispose();
    }
}
