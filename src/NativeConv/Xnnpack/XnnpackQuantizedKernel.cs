using System.Numerics;
using System.Runtime.InteropServices;
using NativeConv.Interop.Xnnpack;
using static NativeConv.Interop.Xnnpack.Xnn;

namespace NativeConv;

/// <summary>
/// An int8 convolution on XNNPACK's qs8_qc8w operator (per-channel int8 weights, fp32 requantization —
/// the rounding <see cref="Requantization"/> writes out). uint8 activations run on it too, shifted by 128
/// into int8 on the way in and back on the way out (x − z is unchanged: (x − 128) − (z − 128)), because
/// XNNPACK's uint8 operator takes uint8 weights with one scale; NCHW through transposes.
/// </summary>
internal sealed unsafe class XnnpackQuantizedKernel<T> : QuantizedKernel<T> where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T>
{
    private readonly HandleLease? _lease;
    private readonly pthreadpool_t _pool;
    private readonly sbyte[] _weights; // (out, kh, kw, in/groups)
    private readonly bool _shift; // uint8 activations: ±128 around the int8 operator
    private readonly ShapeCache<State> _states;

    public XnnpackQuantizedKernel(PthreadpoolHandle? pool, QuantizedConvWeights weights, QuantizationParameters input, QuantizationParameters output, TensorLayout layout)
        : base(weights, input, output, layout)
    {
        _lease = pool is null ? null : new HandleLease(pool);
        _pool = pool?.Value ?? default;
        _shift = typeof(T) == typeof(byte);
        Conv2dSpec spec = weights.Spec;
        _weights = new sbyte[spec.WeightCount];
        ReadOnlySpan<sbyte> w = weights.Weights;
        int icg = spec.InChannelsPerGroup, kh = spec.Kernel.Height, kw = spec.Kernel.Width;
        for (int oc = 0; oc < spec.OutChannels; oc++)
            for (int ic = 0; ic < icg; ic++)
                for (int y = 0; y < kh; y++)
                    for (int x = 0; x < kw; x++)
                        _weights[((oc * kh + y) * kw + x) * icg + ic] = w[((oc * icg + ic) * kh + y) * kw + x];
        _states = new ShapeCache<State>((n, h, w2) => new State(this, spec.Geometry(n, h, w2)));
        try
        {
            using var probe = CreateOperator(0, 0, 0, 0); // a spec or scale XNNPACK refuses fails here, not at the first call
        }
        catch
        {
            _lease?.Dispose();
            throw;
        }
    }

    public override string ImplementationName => "xnnpack:qs8_qc8w" + (_shift ? " (uint8 shifted by 128)" : "");

    protected override void ForwardCore(in ConvGeometry g, ReadOnlySpan<T> input, Span<T> output)
    {
        State state = _states.Get(g.Batch, g.InHeight, g.InWidth);
        fixed (T* x = input)
        fixed (T* y = output)
        {
            state.Run((sbyte*)x, (sbyte*)y);
        }
    }

    private XnnOperatorHandle CreateOperator(int top, int right, int bottom, int left)
    {
        Conv2dSpec spec = Spec;
        int typeMin = int.CreateChecked(T.MinValue), typeMax = int.CreateChecked(T.MaxValue), shift = _shift ? 128 : 0;
        var (min, max) = Requantization.Range(spec.Activation, Output, typeMin, typeMax);
        xnn_operator_t op;
        fixed (sbyte* w = _weights)
        fixed (float* scales = Weights.Scales)
        fixed (int* bias = Weights.Bias)
        {
            ThrowIfFailed(xnn_create_convolution2d_nhwc_qs8_qc8w((uint)top, (uint)right, (uint)bottom, (uint)left,
                (uint)spec.Kernel.Height, (uint)spec.Kernel.Width, (uint)spec.Stride.Height, (uint)spec.Stride.Width,
                (uint)spec.Dilation.Height, (uint)spec.Dilation.Width, (uint)spec.Groups,
                (nuint)spec.InChannelsPerGroup, (nuint)spec.OutChannelsPerGroup, (nuint)spec.InChannels, (nuint)spec.OutChannels,
                (sbyte)(Input.ZeroPoint - shift), Input.Scale, scales, w, spec.HasBias ? bias : null,
                (sbyte)(Output.ZeroPoint - shift), Output.Scale, (sbyte)(min - shift), (sbyte)(max - shift), 0, default, null, &op),
                nameof(xnn_create_convolution2d_nhwc_qs8_qc8w), $"{spec} int8 padding t{top} r{right} b{bottom} l{left}");
        }
        return new XnnOperatorHandle(op);
    }

    protected override void Dispose(bool disposing)
    {
        if (!disposing) return;
        _states.Dispose();
        _lease?.Dispose();
    }

    /// <summary>One input shape: the operator (weights packed), its workspace, and the NHWC/int8 staging buffers it needs.</summary>
    private sealed class State : IDisposable
    {
        private readonly XnnpackQuantizedKernel<T> _kernel;
        private readonly XnnOperatorHandle _op;
        private readonly ConvGeometry _g;
        private readonly nint _workspace, _staging;
        private readonly sbyte* _in, _out; // NHWC int8 buffers when the caller's data is not that already
        private nint _slack; // a copy of an input that ends at a page end (made on first need)

        public State(XnnpackQuantizedKernel<T> kernel, ConvGeometry g)
        {
            _kernel = kernel;
            _g = g;
            _op = kernel.CreateOperator(g.PadTop, g.PadRight, g.PadBottom, g.PadLeft);
            nuint workspaceSize, alignment, outH, outW;
            ThrowIfFailed(xnn_reshape_convolution2d_nhwc_qs8_qc8w(_op.Value, (nuint)g.Batch, (nuint)g.InHeight, (nuint)g.InWidth,
                &workspaceSize, &alignment, &outH, &outW, kernel._pool), nameof(xnn_reshape_convolution2d_nhwc_qs8_qc8w));
            if ((int)outH != g.OutHeight || (int)outW != g.OutWidth)
                throw new InvalidOperationException($"XNNPACK computed output {outH}x{outW}, NativeConv {g.OutHeight}x{g.OutWidth}");
            if (workspaceSize > 0) _workspace = (nint)NativeMemory.AlignedAlloc(workspaceSize, 64);
            // Staging whenever the operator cannot read and write the caller's bytes directly; XNNPACK's read
            // slack (XNN_EXTRA_BYTES) comes with it.
            bool staged = kernel._shift || kernel.Layout == TensorLayout.Nchw;
            if (staged)
            {
                nuint bytes = (nuint)(g.InputLength + g.OutputLength + 2 * XNN_EXTRA_BYTES);
                _staging = (nint)NativeMemory.AlignedAlloc(bytes, 64);
                _in = (sbyte*)_staging;
                _out = _in + g.InputLength + XNN_EXTRA_BYTES;
            }
        }

        public void Run(sbyte* input, sbyte* output)
        {
            sbyte* x = input, y = output;
            if (_staging != 0)
            {
                Stage(input, _in, _g.Batch, _g.InChannels, _g.InHeight * _g.InWidth);
                x = _in;
                y = _out;
            }
            else if (!IsReadable(input, _g.InputLength))
            {
                // XNNPACK may read XNN_EXTRA_BYTES past its input: a caller's buffer ending at a page end is copied first.
                if (_slack == 0) _slack = (nint)NativeMemory.AlignedAlloc((nuint)(_g.InputLength + XNN_EXTRA_BYTES), 64);
                new ReadOnlySpan<sbyte>(input, _g.InputLength).CopyTo(new Span<sbyte>((void*)_slack, _g.InputLength));
                x = (sbyte*)_slack;
            }
            ThrowIfFailed(xnn_setup_convolution2d_nhwc_qs8_qc8w(_op.Value, (void*)_workspace, x, y), nameof(xnn_setup_convolution2d_nhwc_qs8_qc8w));
            ThrowIfFailed(xnn_run_operator(_op.Value, _kernel._pool), nameof(xnn_run_operator), "int8 convolution");
            if (_staging != 0) Stage(_out, output, _g.Batch, _g.OutHeight * _g.OutWidth, _g.OutChannels);
        }

        /// <summary>Whether XNN_EXTRA_BYTES past the input's end lie on the same memory page as its last byte.</summary>
        private static bool IsReadable(sbyte* input, int length) => ((nuint)(input + length) - 1) / 4096 == ((nuint)(input + length) + (nuint)XNN_EXTRA_BYTES - 1) / 4096;

        /// <summary>Into (or out of) the operator's NHWC int8 form: transposed for NCHW callers, shifted by 128 for uint8.</summary>
        private void Stage(sbyte* from, sbyte* to, int batch, int rows, int columns)
        {
            bool transpose = _kernel.Layout == TensorLayout.Nchw;
            sbyte flip = _kernel._shift ? unchecked((sbyte)0x80) : (sbyte)0;
            long plane = (long)rows * columns;
            for (int n = 0; n < batch; n++)
            {
                sbyte* src = from + n * plane, dst = to + n * plane;
                if (!transpose)
                {
                    // uint8 ↔ int8 is a flip of the top bit: a vectorized pass.
                    var s = new ReadOnlySpan<byte>(src, (int)plane);
                    var d = new Span<byte>(dst, (int)plane);
                    System.Numerics.Tensors.TensorPrimitives.Xor(s, (byte)0x80, d);
                    continue;
                }
                for (int r = 0; r < rows; r++)
                    for (int c = 0; c < columns; c++)
                        dst[(long)c * rows + r] = (sbyte)(src[(long)r * columns + c] ^ flip);
            }
        }

        public void Dispose()
        {
            _op.Dispose();
            if (_workspace != 0) NativeMemory.AlignedFree((void*)_workspace);
            if (_staging != 0) NativeMemory.AlignedFree((void*)_staging);
            if (_slack != 0) NativeMemory.AlignedFree((void*)_slack);
        }
    }
}
