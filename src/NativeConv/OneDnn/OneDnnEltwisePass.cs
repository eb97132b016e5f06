using NativeConv.Interop.OneDnn;
using static NativeConv.Interop.OneDnn.Dnnl;

namespace NativeConv;

/// <summary>
/// An activation over one length of float data as oneDNN eltwise primitives (<see cref="OneDnnActivations.PostOps"/>'
/// algorithms, one primitive each: the first from the source, the rest in place), made once per shape on the backend's
/// engine and threads, from a buffer into itself or into one that does not overlap it.
/// </summary>
internal sealed unsafe class OneDnnEltwisePass : IActivationPass
{
    private readonly int _threads;
    private readonly OneDnnStreamHandle _stream;
    private readonly OneDnnPrimitiveHandle[] _primitives;
    private readonly OneDnnMemoryHandle _source;
    private readonly OneDnnMemoryHandle _destination;

    public OneDnnEltwisePass(OneDnnEngineHandle engine, int threads, Activation activation, int length)
    {
        _threads = threads;
        var algorithms = OneDnnActivations.PostOps(activation);
        _primitives = new OneDnnPrimitiveHandle[algorithms.Length];
        string context = $"{activation} over {length} values";
        var names = new List<string>();
        try
        {
            OpenMpThreads.Use(threads); // oneDNN fixes the thread count when it creates the primitive
            dnnl_stream_t stream;
            ThrowIfFailed(dnnl_stream_create(&stream, engine.Value, (uint)dnnl_stream_flags_t.dnnl_stream_default_flags), nameof(dnnl_stream_create));
            _stream = new OneDnnStreamHandle(stream);
            using var md = OneDnnMemory.Desc([length], dnnl_format_tag_t.dnnl_a);
            for (int k = 0; k < algorithms.Length; k++)
            {
                var (algorithm, alpha, beta) = algorithms[k];
                dnnl_primitive_desc_t pd;
                ThrowIfFailed(dnnl_eltwise_forward_primitive_desc_create(&pd, engine.Value, dnnl_prop_kind_t.dnnl_forward_inference, algorithm,
                    md.Value, md.Value, alpha, beta, default), nameof(dnnl_eltwise_forward_primitive_desc_create), context);
                using var pdHandle = new OneDnnPrimitiveDescHandle(pd);
                names.Add(OneDnnImplementationName.Of(pd, context));
                dnnl_primitive_t primitive;
                ThrowIfFailed(dnnl_primitive_create(&primitive, pd), nameof(dnnl_primitive_create), context);
                _primitives[k] = new OneDnnPrimitiveHandle(primitive);
            }
            _source = OneDnnMemory.Unattached(engine.Value, md.Value, context);
            _destination = OneDnnMemory.Unattached(engine.Value, md.Value, context);
            Implementation = $"{string.Join(" + ", algorithms.Select(a => a.Algorithm.ToString().Replace("dnnl_eltwise_", "", StringComparison.Ordinal)))} eltwise ({string.Join(", ", names.Distinct())})";
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>What runs it, for Describe: the algorithms and oneDNN's implementations.</summary>
    public string Implementation { get; } = "";

    /// <summary>From <paramref name="source"/> into <paramref name="data"/> (the same buffer, or one that does not overlap it).</summary>
    public void Run(float* source, float* data)
    {
        OpenMpThreads.Use(_threads);
        ThrowIfFailed(dnnl_memory_set_data_handle(_source.Value, source), nameof(dnnl_memory_set_data_handle), "eltwise source");
        ThrowIfFailed(dnnl_memory_set_data_handle(_destination.Value, data), nameof(dnnl_memory_set_data_handle), "eltwise destination");
        dnnl_exec_arg_t* args = stackalloc dnnl_exec_arg_t[2];
        for (int k = 0; k < _primitives.Length; k++)
        {
            args[0] = new dnnl_exec_arg_t { arg = DNNL_ARG_SRC, memory = k == 0 ? _source.Value : _destination.Value };
            args[1] = new dnnl_exec_arg_t { arg = DNNL_ARG_DST, memory = _destination.Value };
            ThrowIfFailed(dnnl_primitive_execute(_primitives[k].Value, _stream.Value, 2, args), nameof(dnnl_primitive_execute), "eltwise");
        }
        ThrowIfFailed(dnnl_stream_wait(_stream.Value), nameof(dnnl_stream_wait));
    }

    public void Dispose()
    {
        foreach (OneDnnPrimitiveHandle? primitive in _primitives ?? []) primitive?.Dispose();
        _source?.Dispose();
        _destination?.Dispose();
        _stream?.Dispose();
    }
}
