using NativeConv.Interop.Xnnpack;
using static NativeConv.Interop.Xnnpack.Xnn;

namespace NativeConv;

/// <summary>
/// A network as one XNNPACK subgraph runtime for one input shape: every value a tensor of the subgraph
/// (NHWC), every operation one or more nodes, the network's input and output its two external values.
/// XNNPACK plans the intermediate memory, packs the weights and runs the nodes in one call.
/// Lowering, with the same arithmetic as the operation-by-operation path:
/// <list type="bullet">
/// <item>convolution: a Convolution 2D node (a depthwise one is a convolution with one channel per group,
/// which XNNPACK runs on its depthwise kernels), its padding resolved for this input size, ReLU, ReLU6 and
/// clamps as its output bounds; HardSwish as a unary HardSwish node after it; HardSigmoid, ReLU6(x + 3) / 6,
/// as an add of the scalar 3 clamped to [0, 6] and a multiply by the float 1/6;</item>
/// <item>residual add: an Add node; global average pool: a Mean over height and width keeping the
/// dimensions; per-channel scale: a Multiply broadcasting (N, 1, 1, C) over (N, H, W, C).</item>
/// </list>
/// </summary>
internal sealed unsafe class XnnpackNetworkRun : IWholeNetworkRun
{
    private const uint InputId = 0, OutputId = 1;

    private readonly XnnRuntimeHandle _runtime;
    private readonly int _inputLength;
    private NativeFloatBuffer? _inputSlack;
    private float* _setInput, _setOutput; // the pointers the runtime was last set up with

    public XnnpackNetworkRun(XnnpackNetwork network, TensorShape[] shapes, ConvGeometry[] geometries)
    {
        NetworkGraph graph = network.Graph;
        if (graph.Ops.Count == 0) throw new ArgumentException("a network without operations has no subgraph", nameof(network));
        _inputLength = shapes[NetworkGraph.Input].Length;
        string context = $"network on input {shapes[NetworkGraph.Input]}";
        xnn_subgraph_t subgraph;
        ThrowIfFailed(xnn_create_subgraph(2, 0, &subgraph), nameof(xnn_create_subgraph), context);
        try
        {
            var ids = new uint[graph.ValueCount];
            ids[NetworkGraph.Input] = Tensor(subgraph, shapes[NetworkGraph.Input], InputId, XNN_VALUE_FLAG_EXTERNAL_INPUT);
            for (int i = 0; i < graph.Ops.Count; i++)
            {
                GraphOp op = graph.Ops[i];
                uint y = op.Output == graph.Output
                    ? Tensor(subgraph, shapes[op.Output], OutputId, XNN_VALUE_FLAG_EXTERNAL_OUTPUT)
                    : Tensor(subgraph, shapes[op.Output], XNN_INVALID_VALUE_ID, 0);
                ids[op.Output] = y;
                string where = $"'{op.Name}', {context}";
                switch (op)
                {
                    case ConvOp conv:
                        DefineConvolution(subgraph, network, i, conv, geometries[i], ids[conv.Input], y, shapes[op.Output], where);
                        break;
                    case AddOp add:
                        ThrowIfFailed(xnn_define_binary(subgraph, xnn_binary_operator.xnn_binary_add, null, ids[add.Left], ids[add.Right], y, 0),
                            nameof(xnn_define_binary), where);
                        break;
                    case GlobalAveragePoolOp pool:
                    {
                        long* axes = stackalloc long[] { 1, 2 }; // H and W of NHWC
                        ThrowIfFailed(xnn_define_static_reduce_v2(subgraph, xnn_reduce_operator.xnn_reduce_mean, 2, axes, ids[pool.Input], y, XNN_FLAG_KEEP_DIMS),
                            nameof(xnn_define_static_reduce_v2), where);
                        break;
                    }
                    case ChannelScaleOp scale:
                        ThrowIfFailed(xnn_define_binary(subgraph, xnn_binary_operator.xnn_binary_multiply, null, ids[scale.Input], ids[scale.Scale], y, 0),
                            nameof(xnn_define_binary), where);
                        break;
                    default:
                        throw new NotSupportedException($"'{op.Name}': no XNNPACK subgraph node for {op.GetType().Name}");
                }
            }
            xnn_runtime_t runtime;
            ThrowIfFailed(xnn_create_runtime_v3(subgraph, null, network.Pool, 0, &runtime), nameof(xnn_create_runtime_v3), context);
            _runtime = new XnnRuntimeHandle(runtime);
        }
        finally
        {
            xnn_delete_subgraph(subgraph); // the runtime keeps what it needs
        }
        try
        {
            ThrowIfFailed(xnn_reshape_runtime(_runtime.Value), nameof(xnn_reshape_runtime), context);
        }
        catch
        {
            _runtime.Dispose();
            throw;
        }
    }

    public void Run(float* input, float* output)
    {
        // XNNPACK may read past the end of an external input, as its operators do.
        float* x = XnnpackInputTail.Readable(input, _inputLength, ref _inputSlack);
        if (x != _setInput || output != _setOutput)
        {
            xnn_external_value* values = stackalloc xnn_external_value[2];
            values[0] = new xnn_external_value { id = InputId, data = x };
            values[1] = new xnn_external_value { id = OutputId, data = output };
            ThrowIfFailed(xnn_setup_runtime_v2(_runtime.Value, 2, values), nameof(xnn_setup_runtime_v2));
            _setInput = x;
            _setOutput = output;
        }
        ThrowIfFailed(xnn_invoke_runtime(_runtime.Value), nameof(xnn_invoke_runtime));
    }

    private static void DefineConvolution(xnn_subgraph_t subgraph, XnnpackNetwork network, int op, ConvOp conv, in ConvGeometry g,
        uint x, uint y, TensorShape outputShape, string where)
    {
        Conv2dSpec spec = conv.Spec;
        nuint* filterDims = stackalloc nuint[] { (nuint)spec.OutChannels, (nuint)spec.Kernel.Height, (nuint)spec.Kernel.Width, (nuint)spec.InChannelsPerGroup };
        uint filter = Static(subgraph, 4, filterDims, network.Filter(op), where);
        uint bias = XNN_INVALID_VALUE_ID;
        if (network.Bias(op) is var b && b != null)
        {
            nuint biasDims = (nuint)spec.OutChannels;
            bias = Static(subgraph, 1, &biasDims, b, where);
        }
        (float min, float max, ActivationKind pass) = XnnpackActivations.Lower(spec.Activation);
        uint convOutput = pass == ActivationKind.None ? y : Tensor(subgraph, outputShape, XNN_INVALID_VALUE_ID, 0);
        ThrowIfFailed(xnn_define_convolution_2d(subgraph, (uint)g.PadTop, (uint)g.PadRight, (uint)g.PadBottom, (uint)g.PadLeft,
            (uint)spec.Kernel.Height, (uint)spec.Kernel.Width, (uint)spec.Stride.Height, (uint)spec.Stride.Width,
            (uint)spec.Dilation.Height, (uint)spec.Dilation.Width, (uint)spec.Groups,
            (nuint)spec.InChannelsPerGroup, (nuint)spec.OutChannelsPerGroup, min, max, x, filter, bias, convOutput, 0),
            nameof(xnn_define_convolution_2d), $"{where}: {spec}");
        switch (pass)
        {
            case ActivationKind.None:
                break;
            case ActivationKind.HardSwish:
                ThrowIfFailed(xnn_define_unary(subgraph, xnn_unary_operator.xnn_unary_hardswish, null, convOutput, y, 0), nameof(xnn_define_unary), where);
                break;
            case ActivationKind.HardSigmoid:
            {
                // ReLU6(x + 3) · (1/6), as the managed pass computes it.
                uint three = Static(subgraph, 0, null, network.Three, where), sixth = Static(subgraph, 0, null, network.OneSixth, where);
                uint shifted = Tensor(subgraph, outputShape, XNN_INVALID_VALUE_ID, 0);
                var relu6 = new xnn_binary_params { output_min = 0, output_max = 6 };
                ThrowIfFailed(xnn_define_binary(subgraph, xnn_binary_operator.xnn_binary_add, &relu6, convOutput, three, shifted, 0), nameof(xnn_define_binary), where);
                ThrowIfFailed(xnn_define_binary(subgraph, xnn_binary_operator.xnn_binary_multiply, null, shifted, sixth, y, 0), nameof(xnn_define_binary), where);
                break;
            }
            default:
                throw new InvalidOperationException($"{where}: no subgraph lowering for {pass}");
        }
    }

    /// <summary>A float tensor value, NHWC: external (with its id and flag) or internal (XNN_INVALID_VALUE_ID, 0).</summary>
    private static uint Tensor(xnn_subgraph_t subgraph, TensorShape shape, uint externalId, int flags)
    {
        nuint* dims = stackalloc nuint[] { (nuint)shape.Batch, (nuint)shape.Height, (nuint)shape.Width, (nuint)shape.Channels };
        uint id;
        ThrowIfFailed(xnn_define_tensor_value(subgraph, xnn_datatype.xnn_datatype_fp32, 4, dims, null, externalId, (uint)flags, &id),
            nameof(xnn_define_tensor_value), $"{shape}");
        return id;
    }

    /// <summary>A float tensor of static data (kept alive by the <see cref="XnnpackNetwork"/>).</summary>
    private static uint Static(xnn_subgraph_t subgraph, int rank, nuint* dims, float* data, string where)
    {
        uint id;
        ThrowIfFailed(xnn_define_tensor_value(subgraph, xnn_datatype.xnn_datatype_fp32, (nuint)rank, dims, data, XNN_INVALID_VALUE_ID, 0, &id),
            nameof(xnn_define_tensor_value), where);
        return id;
    }

    public void Dispose()
    {
        _runtime.Dispose();
        _inputSlack?.Dispose();
    }
}
