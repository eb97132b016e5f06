using NativeConv.Interop.Xnnpack;
using static NativeConv.Interop.Xnnpack.Xnn;

namespace NativeConv;

/// <summary>
/// A network as one XNNPACK subgraph runtime for one input shape: every value a tensor of the subgraph (NHWC), every
/// operation the nodes its <see cref="IXnnpackNode.Define"/> gives, the network's inputs and outputs its external
/// values (inputs first, in order, then outputs). XNNPACK plans the intermediate memory, packs the weights and runs the
/// nodes in one call.
/// </summary>
internal sealed unsafe class XnnpackNetworkRun : IWholeNetworkRun
{
    private readonly XnnRuntimeHandle _runtime;
    private readonly int[] _inputLengths;
    private readonly NativeFloatBuffer?[] _inputSlack;
    private readonly xnn_external_value[] _external;
    private readonly nint[] _set; // the pointers the runtime was last set up with

    public XnnpackNetworkRun(XnnpackNetwork network, TensorShape[] shapes)
    {
        NetworkGraph graph = network.Graph;
        int inputs = graph.InputValues.Length, outputs = graph.OutputValues.Length;
        _inputLengths = graph.InputValues.Select(v => shapes[v].Length).ToArray();
        _inputSlack = new NativeFloatBuffer?[inputs];
        _external = new xnn_external_value[inputs + outputs];
        _set = new nint[inputs + outputs];
        string context = $"network on input {string.Join(", ", graph.InputValues.Select(v => shapes[v].ToString()))}";
        xnn_subgraph_t handle;
        ThrowIfFailed(xnn_create_subgraph((uint)(inputs + outputs), 0, &handle), nameof(xnn_create_subgraph), context);
        try
        {
            var subgraph = new XnnpackSubgraph(handle, network) { Where = context };
            var ids = new uint[graph.ValueCount];
            for (int k = 0; k < inputs; k++) ids[graph.InputValues[k]] = subgraph.Tensor(shapes[graph.InputValues[k]], (uint)k, XNN_VALUE_FLAG_EXTERNAL_INPUT);
            for (int i = 0; i < graph.Ops.Count; i++)
            {
                GraphOp op = graph.Ops[i];
                subgraph.Where = $"'{op.Name}', {context}";
                foreach (int v in op.Outputs)
                {
                    int k = Array.IndexOf(graph.OutputValues, v);
                    ids[v] = k >= 0 ? subgraph.Tensor(shapes[v], (uint)(inputs + k), XNN_VALUE_FLAG_EXTERNAL_OUTPUT) : subgraph.Tensor(shapes[v]);
                }
                var opShapes = new OpShapes(op.Inputs.Select(v => shapes[v]).ToArray(), op.Outputs.Select(v => shapes[v]).ToArray());
                ((IXnnpackNode)op).Define(subgraph, network.Statics(i), op.Inputs.Select(v => ids[v]).ToArray(), op.Outputs.Select(v => ids[v]).ToArray(), opShapes);
            }
            xnn_runtime_t runtime;
            ThrowIfFailed(xnn_create_runtime_v3(handle, null, network.Pool, 0, &runtime), nameof(xnn_create_runtime_v3), context);
            _runtime = new XnnRuntimeHandle(runtime);
        }
        finally
        {
            xnn_delete_subgraph(handle); // the runtime keeps what it needs
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

    public void Run(float** inputs, float** outputs)
    {
        bool changed = false;
        for (int k = 0; k < _external.Length; k++)
        {
            // XNNPACK may read past the end of an external input, as its operators do.
            float* data = k < _inputLengths.Length ? XnnpackInputTail.Readable(inputs[k], _inputLengths[k], ref _inputSlack[k]) : outputs[k - _inputLengths.Length];
            if ((nint)data == _set[k]) continue;
            _external[k] = new xnn_external_value { id = (uint)k, data = data };
            _set[k] = (nint)data;
            changed = true;
        }
        if (changed)
            fixed (xnn_external_value* values = _external)
                ThrowIfFailed(xnn_setup_runtime_v2(_runtime.Value, (nuint)_external.Length, values), nameof(xnn_setup_runtime_v2));
        ThrowIfFailed(xnn_invoke_runtime(_runtime.Value), nameof(xnn_invoke_runtime));
    }

    public void Dispose()
    {
        _runtime.Dispose();
        foreach (NativeFloatBuffer? slack in _inputSlack) slack?.Dispose();
    }
}
