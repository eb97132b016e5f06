using NativeConv.Interop.OneDnn;
using static NativeConv.Interop.OneDnn.Dnnl;

namespace NativeConv;

/// <summary>
/// A channel operation on oneDNN for one shape: its primitives (a concat, a shuffle, or one reorder per part), made from
/// their descriptors with a scratchpad of the step's own, each execution argument bound to one of the operation's
/// values. A call attaches the values' buffers, runs the primitives on OpenMP's threads in order and waits once.
/// </summary>
internal sealed unsafe class OneDnnMoveStep : OpStep
{
    /// <summary>Per execution argument of a primitive, the value it reads or writes (an index into the call's table).</summary>
    public readonly record struct Operand(int Arg, int Value);

    private readonly HandleLease _lease;
    private readonly int _threads;
    private readonly OneDnnStreamHandle _stream;
    private readonly List<OneDnnPrimitiveHandle> _primitives = [];
    private readonly List<OneDnnMemoryHandle> _memories = [];
    private readonly List<(int Value, OneDnnMemoryHandle Memory)[]> _bound = [];
    private readonly List<dnnl_exec_arg_t[]> _args = [];

    /// <param name="describe">
    /// The descriptor of primitive k (of <paramref name="primitives"/>) with these attributes (a user scratchpad), and its
    /// operands; the step owns the descriptor from then on.
    /// </param>
    public OneDnnMoveStep(GraphOp op, OpShapes shapes, OneDnnBackend backend, int primitives,
        Func<int, dnnl_primitive_attr_t, (dnnl_primitive_desc_t Pd, Operand[] Operands)> describe) : base(op, shapes)
    {
        _lease = new HandleLease(backend.Engine);
        _threads = backend.Threads;
        dnnl_engine_t engine = backend.Engine.Value;
        string context = $"'{op.Name}' ({op.Definition}) on {string.Join(", ", shapes.Inputs)}";
        var names = new List<string>();
        try
        {
            OpenMpThreads.Use(_threads); // oneDNN fixes the thread count when it creates the primitive
            dnnl_stream_t stream;
            ThrowIfFailed(dnnl_stream_create(&stream, engine, (uint)dnnl_stream_flags_t.dnnl_stream_default_flags), nameof(dnnl_stream_create), context);
            _stream = new OneDnnStreamHandle(stream);
            dnnl_primitive_attr_t attr;
            ThrowIfFailed(dnnl_primitive_attr_create(&attr), nameof(dnnl_primitive_attr_create), context);
            using var attributes = new OneDnnPrimitiveAttrHandle(attr);
            // The scratchpad is the step's: allocated here, never inside a call.
            ThrowIfFailed(dnnl_primitive_attr_set_scratchpad_mode(attr, dnnl_scratchpad_mode_t.dnnl_scratchpad_mode_user), nameof(dnnl_primitive_attr_set_scratchpad_mode), context);
            for (int k = 0; k < primitives; k++)
            {
                (dnnl_primitive_desc_t pd, Operand[] operands) = describe(k, attr);
                using var pdHandle = new OneDnnPrimitiveDescHandle(pd);
                names.Add(OneDnnImplementationName.Of(pd, context));
                dnnl_primitive_t primitive;
                ThrowIfFailed(dnnl_primitive_create(&primitive, pd), nameof(dnnl_primitive_create), context);
                _primitives.Add(new OneDnnPrimitiveHandle(primitive));
                var bound = new (int, OneDnnMemoryHandle)[operands.Length];
                var args = new List<dnnl_exec_arg_t>();
                for (int i = 0; i < operands.Length; i++)
                {
                    OneDnnMemoryHandle memory = OneDnnMemory.Unattached(engine, dnnl_primitive_desc_query_md(pd, dnnl_query_t.dnnl_query_exec_arg_md, operands[i].Arg), context);
                    _memories.Add(memory);
                    bound[i] = (operands[i].Value, memory);
                    args.Add(new dnnl_exec_arg_t { arg = operands[i].Arg, memory = memory.Value });
                }
                const_dnnl_memory_desc_t scratchpad = dnnl_primitive_desc_query_md(pd, dnnl_query_t.dnnl_query_scratchpad_md, 0);
                if (!scratchpad.IsNull && dnnl_memory_desc_get_size(scratchpad) > 0)
                {
                    OneDnnMemoryHandle memory = OneDnnMemory.Allocate(engine, scratchpad, "scratchpad " + context);
                    _memories.Add(memory);
                    args.Add(new dnnl_exec_arg_t { arg = DNNL_ARG_SCRATCHPAD, memory = memory.Value });
                }
                _bound.Add(bound);
                _args.Add(args.ToArray());
            }
            Implementation = string.Join(", ", names.Distinct()) + (primitives > 1 ? $" x{primitives}" : "");
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public override string Implementation { get; }

    /// <summary>An NHWC float descriptor of <paramref name="shape"/> over oneDNN's logical (N, C, H, W).</summary>
    public static OneDnnMemoryDescHandle Nhwc(TensorShape shape) =>
        OneDnnMemory.Desc([shape.Batch, shape.Channels, shape.Height, shape.Width], dnnl_format_tag_t.dnnl_nhwc);

    public override void Run(float** values)
    {
        OpenMpThreads.Use(_threads);
        for (int k = 0; k < _primitives.Count; k++)
        {
            foreach ((int value, OneDnnMemoryHandle memory) in _bound[k])
                ThrowIfFailed(dnnl_memory_set_data_handle(memory.Value, values[value]), nameof(dnnl_memory_set_data_handle));
            dnnl_exec_arg_t[] args = _args[k];
            fixed (dnnl_exec_arg_t* a = args)
                ThrowIfFailed(dnnl_primitive_execute(_primitives[k].Value, _stream.Value, args.Length, a), nameof(dnnl_primitive_execute), Implementation);
        }
        ThrowIfFailed(dnnl_stream_wait(_stream.Value), nameof(dnnl_stream_wait));
    }

    public override void Dispose()
    {
        foreach (OneDnnMemoryHandle memory in _memories) memory.Dispose();
        foreach (OneDnnPrimitiveHandle primitive in _primitives) primitive.Dispose();
        _stream?.Dispose();
        _lease?.Dispose();
    }
}
