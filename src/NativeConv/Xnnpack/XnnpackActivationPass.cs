using NativeConv.Interop.Xnnpack;
using static NativeConv.Interop.Xnnpack.Xnn;

namespace NativeConv;

/// <summary>
/// An activation over one length of float data on XNNPACK's own operators, made once per shape (reshaped here, so a call
/// only sets pointers and runs), from a buffer into itself or into one that does not overlap it: clamps, HardSwish,
/// sigmoid, tanh and GELU as unary operators, and SiLU as its sigmoid into a buffer of the pass's own, then a multiply by
/// x (XNNPACK has no swish operator).
/// </summary>
internal sealed unsafe class XnnpackActivationPass : IActivationPass
{
    private readonly Activation _activation;
    private readonly string _name; // for errors, made once: a call allocates nothing
    private readonly int _length;
    private readonly pthreadpool_t _pool;
    private readonly XnnOperatorHandle _unary = null!; // set unless the constructor throws
    private readonly XnnOperatorHandle? _multiply; // SiLU: x · sigmoid(x)
    private readonly NativeFloatBuffer? _sigmoid;
    private NativeFloatBuffer? _slack; // an input XNNPACK may not read past (XnnpackInputTail), made on first need

    public XnnpackActivationPass(Activation activation, int length, pthreadpool_t pool)
    {
        _activation = activation;
        _name = activation.ToString();
        _length = length;
        _pool = pool;
        string context = $"{activation} over {length} values";
        try
        {
            var parameters = new xnn_unary_params { min = activation.Min, max = activation.Max };
            bool clamp = activation.Kind is ActivationKind.ReLU or ActivationKind.ReLU6 or ActivationKind.Clamp;
            xnn_operator_t op;
            ThrowIfFailed(xnn_create_unary_elementwise_nc(UnaryOperator(activation), xnn_datatype.xnn_datatype_fp32, xnn_datatype.xnn_datatype_fp32,
                clamp ? &parameters : null, null, null, 0, &op), nameof(xnn_create_unary_elementwise_nc), context);
            _unary = new XnnOperatorHandle(op);
            ThrowIfFailed(xnn_reshape_unary_elementwise_nc(op, 1, (nuint)length, (nuint)length, (nuint)length, pool),
                nameof(xnn_reshape_unary_elementwise_nc), context);
            if (activation.Kind != ActivationKind.SiLU) return;
            _sigmoid = new NativeFloatBuffer(length);
            ThrowIfFailed(xnn_create_binary_elementwise_nd(xnn_binary_operator.xnn_binary_multiply, xnn_datatype.xnn_datatype_fp32, null, null, null, 0, &op),
                nameof(xnn_create_binary_elementwise_nd), context);
            _multiply = new XnnOperatorHandle(op);
            nuint shape = (nuint)length;
            ThrowIfFailed(xnn_reshape_binary_elementwise_nd(op, 1, &shape, 1, &shape, pool), nameof(xnn_reshape_binary_elementwise_nd), context);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>What runs it, for Describe.</summary>
    public string Implementation => _multiply is null ? $"xnnpack:{UnaryOperator(_activation).ToString()["xnn_unary_".Length..]} operator" : "xnnpack:sigmoid and multiply operators";

    /// <summary>From <paramref name="source"/> into <paramref name="data"/> (the same buffer, or one that does not overlap it).</summary>
    public void Run(float* source, float* data)
    {
        float* x = XnnpackInputTail.Readable(source, _length, ref _slack);
        if (_multiply is null)
        {
            Unary(x, data);
            return;
        }
        Unary(x, _sigmoid!.Pointer);
        ThrowIfFailed(xnn_setup_binary_elementwise_nd(_multiply.Value, x, _sigmoid.Pointer, data), nameof(xnn_setup_binary_elementwise_nd));
        ThrowIfFailed(xnn_run_operator(_multiply.Value, _pool), nameof(xnn_run_operator), "SiLU's multiply");
    }

    private void Unary(float* x, float* y)
    {
        ThrowIfFailed(xnn_setup_unary_elementwise_nc(_unary.Value, x, y), nameof(xnn_setup_unary_elementwise_nc));
        ThrowIfFailed(xnn_run_operator(_unary.Value, _pool), nameof(xnn_run_operator), _name);
    }

    /// <summary>The unary operator of an activation XNNPACK has one for (SiLU: its sigmoid).</summary>
    internal static xnn_unary_operator UnaryOperator(Activation activation) => activation.Kind switch
    {
        ActivationKind.ReLU or ActivationKind.ReLU6 or ActivationKind.Clamp => xnn_unary_operator.xnn_unary_clamp,
        ActivationKind.HardSwish => xnn_unary_operator.xnn_unary_hardswish,
        ActivationKind.Sigmoid or ActivationKind.SiLU => xnn_unary_operator.xnn_unary_sigmoid,
        ActivationKind.Tanh => xnn_unary_operator.xnn_unary_tanh,
        ActivationKind.GELU => xnn_unary_operator.xnn_unary_gelu,
        _ => throw new NotSupportedException($"XNNPACK has no operator for activation {activation}"),
    };

    public void Dispose()
    {
        _unary?.Dispose();
        _multiply?.Dispose();
        _sigmoid?.Dispose();
        _slack?.Dispose();
    }
}
