using NativeConv.Interop.OneDnn;
using static NativeConv.Interop.OneDnn.Dnnl;

namespace NativeConv;

/// <summary>
/// What one input shape needs on oneDNN, made once from the recipe: the primitive, the weights reordered
/// into the implementation's format, the scratchpad, and memory objects to which each call attaches its
/// buffers. A call attaches and executes: no allocation, no reorder.
/// </summary>
internal sealed unsafe class OneDnnShapeState : IShapeState
{
    private readonly dnnl_stream_t _stream;
    private readonly dnnl_memory_t _bias;
    private readonly OneDnnPrimitiveDescHandle _pd;
    private readonly OneDnnPrimitiveHandle _primitive;
    private readonly OneDnnMemoryHandle _src;
    private readonly OneDnnMemoryHandle _dst;
    private readonly dnnl_memory_t _weights; // the recipe's copy in the implementation's layout, shared
    private readonly OneDnnStreamHandle _ownStream; // one per state: a oneDNN stream is not for two threads at once
    private readonly OneDnnMemoryHandle? _scratchpad;
    private readonly OneDnnMemoryHandle? _callerInput; // with a conversion: the caller's buffer, reordered into _src
    private readonly OneDnnPrimitiveHandle? _convert;
    private readonly PaddedImages? _extended;

    /// <param name="parts">The recipe's stream, bias and caller-ordered weights.</param>
    /// <param name="pd">The shape's primitive descriptor, owned by the state from here on (released if the constructor fails).</param>
    /// <param name="convertFrom">The caller's input when it differs from the primitive's (float32 for a bfloat16
    /// convolution): each call reorders it into a buffer of this state's first.</param>
    /// <param name="extended">Where each call copies the caller's input first, zero rows and columns appended (a transposed
    /// convolution's <see cref="TransposedLowering"/>); owned by the state from here on.</param>
    public OneDnnShapeState(OneDnnRecipeParts parts, dnnl_primitive_desc_t pd, string context, const_dnnl_memory_desc_t convertFrom = default,
        PaddedImages? extended = null)
    {
        dnnl_stream_t stream;
        ThrowIfFailed(dnnl_stream_create(&stream, parts.Engine, (uint)dnnl_stream_flags_t.dnnl_stream_default_flags), nameof(dnnl_stream_create), context);
        _ownStream = new OneDnnStreamHandle(stream);
        _stream = stream;
        _bias = parts.Bias;
        _extended = extended;
        dnnl_engine_t engine = parts.Engine;
        try
        {
            _pd = new OneDnnPrimitiveDescHandle(pd);
            dnnl_primitive_t primitive;
            ThrowIfFailed(dnnl_primitive_create(&primitive, pd), nameof(dnnl_primitive_create), context);
            _primitive = new OneDnnPrimitiveHandle(primitive);
            ImplementationName = OneDnnImplementationName.Of(pd, context);

            _weights = parts.Weights(dnnl_primitive_desc_query_md(pd, dnnl_query_t.dnnl_query_weights_md, 0), context);
            _scratchpad = Scratchpad(engine, pd, context);
            if (convertFrom.IsNull) _src = OneDnnMemory.Unattached(engine, SourceDesc, "src " + context);
            else
            {
                _src = OneDnnMemory.Allocate(engine, SourceDesc, "converted src " + context); // the conversion's target, owned
                _callerInput = OneDnnMemory.Unattached(engine, convertFrom, "caller's src " + context);
                dnnl_primitive_desc_t convertPd;
                ThrowIfFailed(dnnl_reorder_primitive_desc_create(&convertPd, convertFrom, engine, SourceDesc, engine, default),
                    nameof(dnnl_reorder_primitive_desc_create), "input conversion " + context);
                using var convertPdHandle = new OneDnnPrimitiveDescHandle(convertPd);
                dnnl_primitive_t convert;
                ThrowIfFailed(dnnl_primitive_create(&convert, convertPd), nameof(dnnl_primitive_create), "input conversion " + context);
                _convert = new OneDnnPrimitiveHandle(convert);
            }
            _dst = OneDnnMemory.Unattached(engine, DestinationDesc, "dst " + context);
        }
        catch
        {
            Dispose(); // null-tolerant: releases what was made
            throw;
        }
    }

    public string ImplementationName { get; }

    /// <summary>The input layout the primitive runs on (what it chose, if it was given <c>any</c>).</summary>
    public const_dnnl_memory_desc_t SourceDesc => dnnl_primitive_desc_query_md(_pd.Value, dnnl_query_t.dnnl_query_src_md, 0);

    /// <summary>The output layout the primitive writes.</summary>
    public const_dnnl_memory_desc_t DestinationDesc => dnnl_primitive_desc_query_md(_pd.Value, dnnl_query_t.dnnl_query_dst_md, 0);

    public void Execute(float* input, float* output)
    {
        if (_convert is not null)
        {
            ThrowIfFailed(dnnl_memory_set_data_handle(_callerInput!.Value, input), nameof(dnnl_memory_set_data_handle), "caller's src");
            dnnl_exec_arg_t* convertArgs = stackalloc dnnl_exec_arg_t[2];
            convertArgs[0] = new dnnl_exec_arg_t { arg = DNNL_ARG_FROM, memory = _callerInput.Value };
            convertArgs[1] = new dnnl_exec_arg_t { arg = DNNL_ARG_TO, memory = _src.Value };
            ThrowIfFailed(dnnl_primitive_execute(_convert.Value, _stream, 2, convertArgs), nameof(dnnl_primitive_execute), "input conversion");
        }
        else ThrowIfFailed(dnnl_memory_set_data_handle(_src.Value, _extended is null ? input : _extended.CopyIn(input)), nameof(dnnl_memory_set_data_handle), "src");
        ThrowIfFailed(dnnl_memory_set_data_handle(_dst.Value, output), nameof(dnnl_memory_set_data_handle), "dst");
        dnnl_exec_arg_t* args = stackalloc dnnl_exec_arg_t[5];
        int count = 0;
        args[count++] = new dnnl_exec_arg_t { arg = DNNL_ARG_SRC, memory = _src.Value };
        args[count++] = new dnnl_exec_arg_t { arg = DNNL_ARG_WEIGHTS, memory = _weights };
        args[count++] = new dnnl_exec_arg_t { arg = DNNL_ARG_DST, memory = _dst.Value };
        if (!_bias.IsNull) args[count++] = new dnnl_exec_arg_t { arg = DNNL_ARG_BIAS, memory = _bias };
        if (_scratchpad is { } scratchpad) args[count++] = new dnnl_exec_arg_t { arg = DNNL_ARG_SCRATCHPAD, memory = scratchpad.Value };
        ThrowIfFailed(dnnl_primitive_execute(_primitive.Value, _stream, count, args), nameof(dnnl_primitive_execute), ImplementationName);
        ThrowIfFailed(dnnl_stream_wait(_stream), nameof(dnnl_stream_wait));
    }

    /// <summary>The recipe's weights, reordered once into the format the implementation chose.</summary>
    private static OneDnnMemoryHandle? Scratchpad(dnnl_engine_t engine, dnnl_primitive_desc_t pd, string context)
    {
        const_dnnl_memory_desc_t md = dnnl_primitive_desc_query_md(pd, dnnl_query_t.dnnl_query_scratchpad_md, 0);
        if (md.IsNull || dnnl_memory_desc_get_size(md) == 0) return null;
        return OneDnnMemory.Allocate(engine, md, "scratchpad " + context);
    }

    public void Dispose()
    {
        _src?.Dispose();
        _dst?.Dispose();
        _extended?.Dispose();
        _callerInput?.Dispose();
        _convert?.Dispose();
        _scratchpad?.Dispose();
        _primitive?.Dispose();
        _pd?.Dispose();
        _ownStream?.Dispose();
    }
}
