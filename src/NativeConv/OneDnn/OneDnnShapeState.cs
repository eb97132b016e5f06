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
    private readonly OneDnnMemoryHandle _weights;
    private readonly OneDnnMemoryHandle? _scratchpad;
    private readonly OneDnnMemoryHandle? _callerInput; // with a conversion: the caller's buffer, reordered into _src
    private readonly OneDnnPrimitiveHandle? _convert;

    /// <param name="src">The input's memory descriptor (a plain layout, or one a previous primitive chose).</param>
    /// <param name="dst">The output's (a plain layout, or <c>any</c> to let the implementation choose).</param>
    /// <param name="convertFrom">The caller's input when it differs from <paramref name="src"/> (float32 for a bfloat16
    /// convolution): each call reorders it into a buffer of this state's first.</param>
    public OneDnnShapeState(OneDnnConvRecipe recipe, in ConvGeometry g, const_dnnl_memory_desc_t src, const_dnnl_memory_desc_t dst,
        const_dnnl_memory_desc_t convertFrom = default)
    {
        Conv2dSpec spec = recipe.Spec;
        _stream = recipe.Stream;
        _bias = recipe.Bias;
        string context = $"{spec} on input {g.Batch}x{g.InChannels}x{g.InHeight}x{g.InWidth}";
        dnnl_engine_t engine = recipe.Engine;
        try
        {
            using var anyWeights = OneDnnMemory.WeightsDesc(spec, dnnl_format_tag_t.dnnl_format_tag_any,
                recipe.BFloat16 ? dnnl_data_type_t.dnnl_bf16 : dnnl_data_type_t.dnnl_f32);
            using var biasMd = OneDnnMemory.Desc([spec.OutChannels], dnnl_format_tag_t.dnnl_a);
            long* strides = stackalloc long[] { spec.Stride.Height, spec.Stride.Width };
            long* dilates = stackalloc long[] { spec.Dilation.Height - 1, spec.Dilation.Width - 1 }; // oneDNN counts from 0
            long* padL = stackalloc long[] { g.PadTop, g.PadLeft };
            long* padR = stackalloc long[] { g.PadBottom, g.PadRight };
            dnnl_primitive_desc_t Describe()
            {
                dnnl_primitive_desc_t created;
                ThrowIfFailed(dnnl_convolution_forward_primitive_desc_create(&created, engine, dnnl_prop_kind_t.dnnl_forward_inference,
                    dnnl_alg_kind_t.dnnl_convolution_direct, src, anyWeights.Value, spec.HasBias ? biasMd.Value : default,
                    dst, strides, dilates, padL, padR, recipe.Attributes), nameof(dnnl_convolution_forward_primitive_desc_create), context);
                return created;
            }
            dnnl_primitive_desc_t pd = OneDnnDepthwiseImplementation.Applies(recipe) ? OneDnnDepthwiseImplementation.Choose(Describe, context) : Describe();
            _pd = new OneDnnPrimitiveDescHandle(pd);
            dnnl_primitive_t primitive;
            ThrowIfFailed(dnnl_primitive_create(&primitive, pd), nameof(dnnl_primitive_create), context);
            _primitive = new OneDnnPrimitiveHandle(primitive);
            ImplementationName = OneDnnImplementationName.Of(pd, context);

            _weights = ReorderWeights(recipe, pd, context);
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
        else ThrowIfFailed(dnnl_memory_set_data_handle(_src.Value, input), nameof(dnnl_memory_set_data_handle), "src");
        ThrowIfFailed(dnnl_memory_set_data_handle(_dst.Value, output), nameof(dnnl_memory_set_data_handle), "dst");
        dnnl_exec_arg_t* args = stackalloc dnnl_exec_arg_t[5];
        int count = 0;
        args[count++] = new dnnl_exec_arg_t { arg = DNNL_ARG_SRC, memory = _src.Value };
        args[count++] = new dnnl_exec_arg_t { arg = DNNL_ARG_WEIGHTS, memory = _weights.Value };
        args[count++] = new dnnl_exec_arg_t { arg = DNNL_ARG_DST, memory = _dst.Value };
        if (!_bias.IsNull) args[count++] = new dnnl_exec_arg_t { arg = DNNL_ARG_BIAS, memory = _bias };
        if (_scratchpad is { } scratchpad) args[count++] = new dnnl_exec_arg_t { arg = DNNL_ARG_SCRATCHPAD, memory = scratchpad.Value };
        ThrowIfFailed(dnnl_primitive_execute(_primitive.Value, _stream, count, args), nameof(dnnl_primitive_execute), ImplementationName);
        ThrowIfFailed(dnnl_stream_wait(_stream), nameof(dnnl_stream_wait));
    }

    /// <summary>The recipe's weights, reordered once into the format the implementation chose.</summary>
    private static OneDnnMemoryHandle ReorderWeights(OneDnnConvRecipe recipe, dnnl_primitive_desc_t pd, string context)
    {
        dnnl_engine_t engine = recipe.Engine;
        const_dnnl_memory_desc_t implMd = dnnl_primitive_desc_query_md(pd, dnnl_query_t.dnnl_query_weights_md, 0);
        return OneDnnMemory.Reordered(engine, recipe.Stream, recipe.UserWeightsDesc, recipe.UserWeights, implMd, "weights " + context);
    }

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
        _callerInput?.Dispose();
        _convert?.Dispose();
        _weights?.Dispose();
        _scratchpad?.Dispose();
        _primitive?.Dispose();
        _pd?.Dispose();
    }
}
