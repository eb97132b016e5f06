using NativeConv.Interop.Xnnpack;
using static NativeConv.Interop.Xnnpack.Xnn;

namespace NativeConv;

/// <summary>
/// An XNNPACK subgraph being defined for one input shape, and the small helpers every operation's nodes use: float
/// tensor values (NHWC), static tensors, scalar constants, activations as nodes. Errors name the operation.
/// </summary>
internal sealed unsafe class XnnpackSubgraph(xnn_subgraph_t subgraph, XnnpackNetwork network)
{
    public xnn_subgraph_t Handle { get; } = subgraph;

    /// <summary>The operation being defined, for errors.</summary>
    public string Where { get; set; } = "";

    /// <summary>An internal float tensor of <paramref name="shape"/> (NHWC).</summary>
    public uint Tensor(TensorShape shape) => Tensor(shape, XNN_INVALID_VALUE_ID, 0);

    /// <summary>A float tensor, NHWC: external (with its id and flag) or internal (XNN_INVALID_VALUE_ID, 0).</summary>
    public uint Tensor(TensorShape shape, uint externalId, uint flags)
    {
        nuint* dims = stackalloc nuint[] { (nuint)shape.Batch, (nuint)shape.Height, (nuint)shape.Width, (nuint)shape.Channels };
        uint id;
        ThrowIfFailed(xnn_define_tensor_value(Handle, xnn_datatype.xnn_datatype_fp32, 4, dims, null, externalId, flags, &id),
            nameof(xnn_define_tensor_value), $"{Where}: {shape}");
        return id;
    }

    /// <summary>A float tensor of static data that outlives the runtime (kept by the network's statics).</summary>
    public uint Static(int rank, nuint* dims, float* data)
    {
        uint id;
        ThrowIfFailed(xnn_define_tensor_value(Handle, xnn_datatype.xnn_datatype_fp32, (nuint)rank, dims, data, XNN_INVALID_VALUE_ID, 0, &id),
            nameof(xnn_define_tensor_value), Where);
        return id;
    }

    /// <summary>A scalar constant of the network (3 and 1/6 for HardSigmoid).</summary>
    public uint Scalar(float* data) => Static(0, null, data);

    public XnnpackNetwork Network { get; } = network;

    public void Check(xnn_status status, string function) => ThrowIfFailed(status, function, Where);

    /// <summary>
    /// <paramref name="activation"/> applied to <paramref name="x"/> into <paramref name="y"/> (a clamp for ReLU, ReLU6 and
    /// clamps; HardSwish, sigmoid, tanh and GELU natively; HardSigmoid as ReLU6(x + 3) · (1/6), the managed pass's
    /// arithmetic; SiLU as x · sigmoid(x), XNNPACK having no swish node).
    /// </summary>
    public void Activation(Activation activation, uint x, uint y, TensorShape shape)
    {
        switch (activation.Kind)
        {
            case ActivationKind.ReLU or ActivationKind.ReLU6 or ActivationKind.Clamp:
            {
                var p = new xnn_unary_params();
                p.min = activation.Min;
                p.max = activation.Max;
                Check(xnn_define_unary(Handle, xnn_unary_operator.xnn_unary_clamp, &p, x, y, 0), nameof(xnn_define_unary));
                break;
            }
            case ActivationKind.HardSwish or ActivationKind.Tanh or ActivationKind.GELU:
                Check(xnn_define_unary(Handle, XnnpackActivationPass.UnaryOperator(activation), null, x, y, 0), nameof(xnn_define_unary));
                break;
            case ActivationKind.Sigmoid:
                Check(xnn_define_unary(Handle, xnn_unary_operator.xnn_unary_sigmoid, null, SigmoidInput(x, shape), y, 0), nameof(xnn_define_unary));
                break;
            case ActivationKind.SiLU:
            {
                uint sigmoid = Tensor(shape);
                Check(xnn_define_unary(Handle, xnn_unary_operator.xnn_unary_sigmoid, null, SigmoidInput(x, shape), sigmoid, 0), nameof(xnn_define_unary));
                Check(xnn_define_binary(Handle, xnn_binary_operator.xnn_binary_multiply, null, x, sigmoid, y, 0), nameof(xnn_define_binary));
                break;
            }
            case ActivationKind.HardSigmoid:
            {
                uint shifted = Tensor(shape);
                var relu6 = new xnn_binary_params { output_min = 0, output_max = 6 };
                Check(xnn_define_binary(Handle, xnn_binary_operator.xnn_binary_add, &relu6, x, Scalar(Network.Three), shifted, 0), nameof(xnn_define_binary));
                Check(xnn_define_binary(Handle, xnn_binary_operator.xnn_binary_multiply, null, shifted, Scalar(Network.OneSixth), y, 0), nameof(xnn_define_binary));
                break;
            }
            default:
                throw new NotSupportedException($"{Where}: no XNNPACK subgraph node for activation {activation}");
        }
    }

    /// <summary>
    /// <paramref name="x"/> clamped to ±<see cref="XnnpackActivations.SigmoidLimit"/> (NaN and ±∞ kept), the input of a
    /// sigmoid node: XNNPACK's sigmoid gives NaN for finite inputs beyond it (<see cref="XnnpackActivations.OnXnnpack"/>).
    /// </summary>
    private uint SigmoidInput(uint x, TensorShape shape)
    {
        uint clamped = Tensor(shape);
        var p = new xnn_unary_params();
        p.min = -XnnpackActivations.SigmoidLimit;
        p.max = XnnpackActivations.SigmoidLimit;
        Check(xnn_define_unary(Handle, xnn_unary_operator.xnn_unary_clamp, &p, x, clamped, 0), nameof(xnn_define_unary));
        return clamped;
    }
}
