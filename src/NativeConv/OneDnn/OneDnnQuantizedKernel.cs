using System.Numerics;
using NativeConv.Interop.OneDnn;
using static NativeConv.Interop.OneDnn.Dnnl;

namespace NativeConv;

/// <summary>
/// An int8 convolution on oneDNN: uint8 or int8 activations, int8 weights with one scale per output channel
/// (scales mask on the output-channel dimension), input and output scales and zero points as runtime
/// attributes, the bias dequantized to float (oneDNN adds the bias after the scales), the activation as the
/// same eltwise post-op as in float (on the real value, before the output scale). Weights are reordered
/// once per shape into the implementation's format, compensation for int8 inputs included.
/// Where no eltwise post-op sits between the scales (no activation, or a clamp that saturation makes), the input,
/// weight and output scales are folded into one weight scale per output channel, (input · weight) / output, the
/// multiplier the reference computes: two runtime scales fewer to apply per output (docs/benchmarks.md, Measured by
/// hand: int8 scales folded into one).
/// What changes nothing is left out, because oneDNN cannot know it and pays for it: a zero point of 0 (ReLU
/// outputs calibrated from 0; a source zero point costs a compensation pass: docs/benchmarks.md, Measured by hand:
/// An int8 source zero point), and a clamp that the output type's saturation already makes
/// (<see cref="ClampIsSaturation"/>).
/// NCHW runs NHWC inside, through byte transposes (<see cref="ByteBlockTranspose"/>): oneDNN 3.7's int8 implementations for plain NCHW here are
/// its slow reference, and for one input channel its gemm_s8s8s32 path gave wrong results (whole output
/// channels scrambled; found by the int8 conformance cases), while the NHWC brgconv kernels agree with the
/// exact reference.
/// Without VNNI, oneDNN halves int8 weights for int8 inputs (its s8s8 "scale adjust" against 16-bit saturation),
/// which rounds odd weights: int8 inputs then run as uint8 ones, shifted by 128 here (x − z is unchanged), on
/// the u8 kernels, exact with 7-bit weights (<see cref="OneDnnBackend.ExactInt8WeightBits"/>).
/// </summary>
internal sealed unsafe class OneDnnQuantizedKernel<T> : QuantizedKernel<T> where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T>
{
    private readonly HandleLease _lease;
    private readonly dnnl_engine_t _engine;
    private readonly int _threads;
    private readonly OneDnnStreamHandle _stream;
    private readonly OneDnnPrimitiveAttrHandle _attr;
    private readonly OneDnnMemoryDescHandle _userWeightsDesc;
    private readonly OneDnnMemoryHandle _userWeights, _bias, _srcScale, _weightScales, _dstScale, _srcZero, _dstZero;
    private readonly ShapeCache<State> _states;
    private readonly bool _shiftToUnsigned; // int8 inputs run as uint8 (see the class)
    private readonly bool _hasSourceZeroPoint, _hasDestinationZeroPoint;
    private readonly bool _foldedScales; // no activation between the scales: one multiplier per channel (see the class)

    public OneDnnQuantizedKernel(OneDnnEngineHandle engine, int threads, QuantizedConvWeights weights, QuantizationParameters input,
        QuantizationParameters output, TensorLayout layout) : base(weights, input, output, layout)
    {
        _lease = new HandleLease(engine);
        _engine = engine.Value;
        _threads = threads;
        Conv2dSpec spec = weights.Spec;
        _shiftToUnsigned = typeof(T) == typeof(sbyte) && OneDnnBackend.SaturatesInt8Pairs;
        try
        {
            dnnl_stream_t stream;
            ThrowIfFailed(dnnl_stream_create(&stream, _engine, (uint)dnnl_stream_flags_t.dnnl_stream_default_flags), nameof(dnnl_stream_create));
            _stream = new OneDnnStreamHandle(stream);
            _hasSourceZeroPoint = input.ZeroPoint + (_shiftToUnsigned ? 128 : 0) != 0;
            _hasDestinationZeroPoint = output.ZeroPoint != 0;
            bool clampIsSaturation = ClampIsSaturation(spec.Activation, output);
            _foldedScales = clampIsSaturation || OneDnnActivations.PostOps(spec.Activation).Length == 0;
            _attr = Attributes(spec, clampIsSaturation);
            _userWeightsDesc = OneDnnMemory.WeightsDesc(spec, spec.Groups > 1 ? dnnl_format_tag_t.dnnl_goihw : dnnl_format_tag_t.dnnl_oihw, dnnl_data_type_t.dnnl_s8);
            _userWeights = Copy(_userWeightsDesc, weights.Weights, "int8 weights");
            // Folded: one multiplier per output channel, (input scale · weight scale) / output scale, as the reference
            // computes it. Else the weight scale, with input and output scales of their own around the activation.
            var scales = new float[spec.OutChannels];
            for (int c = 0; c < scales.Length; c++)
                scales[c] = _foldedScales ? Requantization.Multiplier(input.Scale, weights.Scales[c], output.Scale) : weights.Scales[c];
            // oneDNN adds the bias after the scales: the int32 bias times the scale of the accumulator it joins.
            var bias = new float[spec.OutChannels];
            for (int c = 0; c < bias.Length && spec.HasBias; c++) bias[c] = weights.Bias[c] * (_foldedScales ? scales[c] : input.Scale * weights.Scales[c]);
            _bias = Vector<float>([spec.OutChannels], bias, "bias", dnnl_data_type_t.dnnl_f32);
            _srcScale = Vector<float>([1], [input.Scale], "input scale", dnnl_data_type_t.dnnl_f32);
            _weightScales = Vector<float>([spec.OutChannels], scales, "weight scales", dnnl_data_type_t.dnnl_f32);
            _dstScale = Vector<float>([1], [output.Scale], "output scale", dnnl_data_type_t.dnnl_f32);
            _srcZero = Vector<int>([1], [input.ZeroPoint + (_shiftToUnsigned ? 128 : 0)], "input zero point", dnnl_data_type_t.dnnl_s32);
            _dstZero = Vector<int>([1], [output.ZeroPoint], "output zero point", dnnl_data_type_t.dnnl_s32);
            _states = new ShapeCache<State>((n, h, w) => new State(this, spec.Geometry(n, h, w)));
        }
        catch
        {
            Dispose(true);
            throw;
        }
    }

    public override string ImplementationName => _states.Last?.ImplementationName ?? "(not run yet)";

    private static dnnl_data_type_t DataType => typeof(T) == typeof(byte) ? dnnl_data_type_t.dnnl_u8 : dnnl_data_type_t.dnnl_s8;

    private dnnl_data_type_t SourceType => _shiftToUnsigned ? dnnl_data_type_t.dnnl_u8 : DataType;

    protected override void ForwardCore(in ConvGeometry g, ReadOnlySpan<T> input, Span<T> output)
    {
        OpenMpThreads.Use(_threads); // before the state: oneDNN fixes a primitive's thread count when it creates it
        State state = _states.Get(g.Batch, g.InHeight, g.InWidth);
        fixed (T* x = input)
        fixed (T* y = output)
        {
            state.Execute(x, y);
        }
    }

    /// <summary>
    /// Whether clamping the real output to the activation's [Min, Max] changes nothing that saturating to the
    /// output type does: for v below Min, the clamped Min quantizes to at most the type's minimum
    /// (Min ≤ s·(qmin − z + ¼), a quarter step clear of the rounding boundary against float error), and v,
    /// quantized by the same monotone steps, to no more; above Max likewise. ReLU and ReLU6 outputs
    /// calibrated from 0 to at most 6 satisfy it.
    /// </summary>
    internal static bool ClampIsSaturation(Activation activation, QuantizationParameters output)
    {
        if (activation.Kind is not (ActivationKind.ReLU or ActivationKind.ReLU6 or ActivationKind.Clamp)) return false;
        double s = output.Scale, z = output.ZeroPoint;
        double qmin = double.CreateTruncating(T.MinValue), qmax = double.CreateTruncating(T.MaxValue);
        return activation.Min <= s * (qmin - z + 0.25) && activation.Max >= s * (qmax - z - 0.25);
    }

    private OneDnnPrimitiveAttrHandle Attributes(Conv2dSpec spec, bool clampIsSaturation)
    {
        dnnl_primitive_attr_t attr;
        ThrowIfFailed(dnnl_primitive_attr_create(&attr), nameof(dnnl_primitive_attr_create));
        var handle = new OneDnnPrimitiveAttrHandle(attr);
        ThrowIfFailed(dnnl_primitive_attr_set_scratchpad_mode(attr, dnnl_scratchpad_mode_t.dnnl_scratchpad_mode_user), nameof(dnnl_primitive_attr_set_scratchpad_mode));
        // Weight scales vary along the output channels: dimension 0 (oihw), or 0 and 1 (goihw: group, output per group).
        int weightMask = spec.Groups > 1 ? (1 << 0) | (1 << 1) : 1 << 0;
        if (!_foldedScales)
            ThrowIfFailed(dnnl_primitive_attr_set_scales_mask(attr, DNNL_ARG_SRC, 0), nameof(dnnl_primitive_attr_set_scales_mask), "src");
        ThrowIfFailed(dnnl_primitive_attr_set_scales_mask(attr, DNNL_ARG_WEIGHTS, weightMask), nameof(dnnl_primitive_attr_set_scales_mask), "weights");
        if (!_foldedScales)
            ThrowIfFailed(dnnl_primitive_attr_set_scales_mask(attr, DNNL_ARG_DST, 0), nameof(dnnl_primitive_attr_set_scales_mask), "dst");
        if (_hasSourceZeroPoint)
            ThrowIfFailed(dnnl_primitive_attr_set_zero_points_mask(attr, DNNL_ARG_SRC, 0), nameof(dnnl_primitive_attr_set_zero_points_mask), "src");
        if (_hasDestinationZeroPoint)
            ThrowIfFailed(dnnl_primitive_attr_set_zero_points_mask(attr, DNNL_ARG_DST, 0), nameof(dnnl_primitive_attr_set_zero_points_mask), "dst");
        if (!clampIsSaturation && OneDnnActivations.PostOps(spec.Activation).Length > 0)
        {
            dnnl_post_ops_t ops;
            ThrowIfFailed(dnnl_post_ops_create(&ops), nameof(dnnl_post_ops_create));
            using var opsHandle = new OneDnnPostOpsHandle(ops);
            OneDnnActivations.Append(ops, spec.Activation);
            ThrowIfFailed(dnnl_primitive_attr_set_post_ops(attr, ops), nameof(dnnl_primitive_attr_set_post_ops));
        }
        return handle;
    }

    private OneDnnMemoryHandle Copy<TValue>(OneDnnMemoryDescHandle md, ReadOnlySpan<TValue> data, string what) where TValue : unmanaged
    {
        OneDnnMemoryHandle memory = OneDnnMemory.Allocate(_engine, md.Value, what);
        void* target;
        ThrowIfFailed(dnnl_memory_get_data_handle(memory.Value, &target), nameof(dnnl_memory_get_data_handle), what);
        data.CopyTo(new Span<TValue>(target, data.Length));
        return memory;
    }

    private OneDnnMemoryHandle Vector<TValue>(long[] dims, ReadOnlySpan<TValue> data, string what, dnnl_data_type_t type) where TValue : unmanaged
    {
        using var md = OneDnnMemory.Desc(dims, dnnl_format_tag_t.dnnl_a, type);
        return Copy(md, data, what);
    }

    protected override void Dispose(bool disposing)
    {
        if (!disposing) return;
        _states?.Dispose();
        _userWeights?.Dispose();
        _bias?.Dispose();
        _srcScale?.Dispose();
        _weightScales?.Dispose();
        _dstScale?.Dispose();
        _srcZero?.Dispose();
        _dstZero?.Dispose();
        _userWeightsDesc?.Dispose();
        _attr?.Dispose();
        _stream?.Dispose();
        _lease.Dispose();
    }

    /// <summary>One input shape: the primitive, the weights reordered (with compensation), scratchpad, and memories to attach the caller's buffers to.</summary>
    private sealed class State : IDisposable
    {
        private readonly OneDnnQuantizedKernel<T> _kernel;
        private readonly OneDnnPrimitiveDescHandle _pd;
        private readonly OneDnnPrimitiveHandle _primitive;
        private readonly OneDnnMemoryHandle _weights, _src, _dst;
        private readonly OneDnnMemoryHandle? _scratchpad;
        private readonly ConvGeometry _g;
        private readonly nint _staging; // NHWC (and for shifted int8, uint8) input then output bytes, when the caller's are not that

        public State(OneDnnQuantizedKernel<T> kernel, ConvGeometry g)
        {
            _kernel = kernel;
            Conv2dSpec spec = kernel.Spec;
            dnnl_engine_t engine = kernel._engine;
            string context = $"{spec} int8 on input {g.Batch}x{g.InChannels}x{g.InHeight}x{g.InWidth}";
            dnnl_format_tag_t tag = dnnl_format_tag_t.dnnl_nhwc; // NCHW callers are transposed around it (see the class)
            using var srcMd = OneDnnMemory.Desc([g.Batch, g.InChannels, g.InHeight, g.InWidth], tag, kernel.SourceType);
            using var dstMd = OneDnnMemory.Desc([g.Batch, g.OutChannels, g.OutHeight, g.OutWidth], tag, DataType);
            using var anyWeights = OneDnnMemory.WeightsDesc(spec, dnnl_format_tag_t.dnnl_format_tag_any, dnnl_data_type_t.dnnl_s8);
            using var biasMd = OneDnnMemory.Desc([spec.OutChannels], dnnl_format_tag_t.dnnl_a, dnnl_data_type_t.dnnl_f32);
            long* strides = stackalloc long[] { spec.Stride.Height, spec.Stride.Width };
            long* dilates = stackalloc long[] { spec.Dilation.Height - 1, spec.Dilation.Width - 1 };
            long* padL = stackalloc long[] { g.PadTop, g.PadLeft };
            long* padR = stackalloc long[] { g.PadBottom, g.PadRight };
            try
            {
                dnnl_primitive_desc_t pd;
                ThrowIfFailed(dnnl_convolution_forward_primitive_desc_create(&pd, engine, dnnl_prop_kind_t.dnnl_forward_inference,
                    dnnl_alg_kind_t.dnnl_convolution_direct, srcMd.Value, anyWeights.Value, biasMd.Value, dstMd.Value,
                    strides, dilates, padL, padR, kernel._attr.Value), nameof(dnnl_convolution_forward_primitive_desc_create), context);
                _pd = new OneDnnPrimitiveDescHandle(pd);
                // oneDNN's int8 GEMM convolution (gemm_s8s8s32, gemm_s8u8s32) is passed over for the next
                // implementation: the conformance cases found it wrong (whole outputs, not rounding) on x64 for one
                // input channel and on AArch64 for 1x1 shapes (7 of 520 cases under emulation).
                while (OneDnnImplementationName.Of(pd, context).StartsWith("gemm_s8", StringComparison.Ordinal)
                       && dnnl_primitive_desc_next_impl(pd) == dnnl_status_t.dnnl_success)
                {
                }
                ImplementationName = OneDnnImplementationName.Of(pd, context);
                if (ImplementationName.StartsWith("gemm_s8", StringComparison.Ordinal))
                    throw new NotSupportedException($"oneDNN offers only its int8 GEMM convolution ({ImplementationName}) for {context}, which the conformance cases found wrong; use XNNPACK");
                dnnl_primitive_t primitive;
                ThrowIfFailed(dnnl_primitive_create(&primitive, pd), nameof(dnnl_primitive_create), context);
                _primitive = new OneDnnPrimitiveHandle(primitive);

                const_dnnl_memory_desc_t weightsMd = dnnl_primitive_desc_query_md(pd, dnnl_query_t.dnnl_query_weights_md, 0);
                _weights = OneDnnMemory.Reordered(engine, kernel._stream.Value, kernel._userWeightsDesc.Value, kernel._userWeights.Value, weightsMd,
                    "int8 weights " + context); // with the compensation int8 inputs need, where the format has it

                const_dnnl_memory_desc_t scratchMd = dnnl_primitive_desc_query_md(pd, dnnl_query_t.dnnl_query_scratchpad_md, 0);
                if (!scratchMd.IsNull && dnnl_memory_desc_get_size(scratchMd) > 0) _scratchpad = OneDnnMemory.Allocate(engine, scratchMd, "scratchpad " + context);
                _src = OneDnnMemory.Unattached(engine, srcMd.Value, "src " + context);
                _dst = OneDnnMemory.Unattached(engine, dstMd.Value, "dst " + context);
                _g = g;
                if (kernel.Layout == TensorLayout.Nchw || kernel._shiftToUnsigned)
                    _staging = (nint)System.Runtime.InteropServices.NativeMemory.AlignedAlloc((nuint)(g.InputLength + g.OutputLength), 64);
            }
            catch
            {
                Dispose();
                throw;
            }
        }

        public string ImplementationName { get; } = "";

        public void Execute(T* input, T* output)
        {
            T* x = input, y = output;
            bool nchw = _kernel.Layout == TensorLayout.Nchw;
            if (_staging != 0)
            {
                x = (T*)_staging;
                if (nchw) y = x + _g.InputLength;
                if (nchw) ByteBlockTranspose.Transpose((byte*)input, (byte*)x, _g.Batch, _g.InChannels, _g.InHeight * _g.InWidth);
                if (_kernel._shiftToUnsigned)
                {
                    var shifted = new Span<byte>(x, _g.InputLength);
                    System.Numerics.Tensors.TensorPrimitives.Xor(nchw ? shifted : new ReadOnlySpan<byte>(input, _g.InputLength), (byte)0x80, shifted);
                }
            }
            ThrowIfFailed(dnnl_memory_set_data_handle(_src.Value, x), nameof(dnnl_memory_set_data_handle), "src");
            ThrowIfFailed(dnnl_memory_set_data_handle(_dst.Value, y), nameof(dnnl_memory_set_data_handle), "dst");
            OneDnnQuantizedKernel<T> k = _kernel;
            dnnl_exec_arg_t* args = stackalloc dnnl_exec_arg_t[11];
            int count = 0;
            args[count++] = new dnnl_exec_arg_t { arg = DNNL_ARG_SRC, memory = _src.Value };
            args[count++] = new dnnl_exec_arg_t { arg = DNNL_ARG_WEIGHTS, memory = _weights.Value };
            args[count++] = new dnnl_exec_arg_t { arg = DNNL_ARG_BIAS, memory = k._bias.Value };
            args[count++] = new dnnl_exec_arg_t { arg = DNNL_ARG_DST, memory = _dst.Value };
            if (!k._foldedScales) args[count++] = new dnnl_exec_arg_t { arg = DNNL_ARG_ATTR_SCALES | DNNL_ARG_SRC, memory = k._srcScale.Value };
            args[count++] = new dnnl_exec_arg_t { arg = DNNL_ARG_ATTR_SCALES | DNNL_ARG_WEIGHTS, memory = k._weightScales.Value };
            if (!k._foldedScales) args[count++] = new dnnl_exec_arg_t { arg = DNNL_ARG_ATTR_SCALES | DNNL_ARG_DST, memory = k._dstScale.Value };
            if (k._hasSourceZeroPoint) args[count++] = new dnnl_exec_arg_t { arg = DNNL_ARG_ATTR_ZERO_POINTS | DNNL_ARG_SRC, memory = k._srcZero.Value };
            if (k._hasDestinationZeroPoint) args[count++] = new dnnl_exec_arg_t { arg = DNNL_ARG_ATTR_ZERO_POINTS | DNNL_ARG_DST, memory = k._dstZero.Value };
            if (_scratchpad is { } scratchpad) args[count++] = new dnnl_exec_arg_t { arg = DNNL_ARG_SCRATCHPAD, memory = scratchpad.Value };
            ThrowIfFailed(dnnl_primitive_execute(_primitive.Value, k._stream.Value, count, args), nameof(dnnl_primitive_execute), ImplementationName);
            ThrowIfFailed(dnnl_stream_wait(k._stream.Value), nameof(dnnl_stream_wait));
            if (nchw) ByteBlockTranspose.Transpose((byte*)y, (byte*)output, _g.Batch, _g.OutHeight * _g.OutWidth, _g.OutChannels);
        }

        public void Dispose()
        {
            _src?.Dispose();
            _dst?.Dispose();
            _weights?.Dispose();
            _scratchpad?.Dispose();
            _primitive?.Dispose();
            _pd?.Dispose();
            if (_staging != 0) System.Runtime.InteropServices.NativeMemory.AlignedFree((void*)_staging);
        }
    }
}
