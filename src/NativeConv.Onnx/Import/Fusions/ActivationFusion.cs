namespace NativeConv.Onnx;

/// <summary>
/// An activation (Relu, Clip, HardSigmoid, HardSwish, Sigmoid, Tanh, and the SiLU and GELU the fusions before this one
/// recognized) fused into the operation before it when that operation's output
/// is read by the activation alone: a Conv or ConvTranspose (its library's post-op), a Gemm/MatMul, a standalone BatchNormalization,
/// an Add (ResNet/RegNet's ReLU after the residual add) or an arithmetic by a per-channel constant.
/// </summary>
internal sealed class ActivationFusion : IFusion
{
    public void Apply(OnnxGraph graph)
    {
        Dictionary<string, Node> producers = graph.Producers();
        foreach (Node act in graph.Nodes.ToList())
        {
            if (!IsActivation(act)) continue;
            if (ActivationOnnx.Of(act, graph, out _) is not { } activation) continue;
            if (!producers.TryGetValue(act.Input(0), out Node? before) || !Takes(before, graph)) continue;
            if (before.Activation.Kind != ActivationKind.None || Fusions.OnlyReader(graph, before.Outputs[0]) != act) continue;
            before.Activation = activation;
            before.Outputs[0] = act.Outputs[0];
            before.Absorbed.Add(act);
            graph.Fuse(before, before, act);
            producers[before.Outputs[0]] = before;
        }
    }

    /// <summary>Whether the node is an activation of its one input (<see cref="ActivationOnnx.Of"/> says which).</summary>
    private static bool IsActivation(Node node) => node.Domain switch
    {
        "" => node.OpType is "Relu" or "Clip" or "HardSigmoid" or "HardSwish" or "Sigmoid" or "Tanh",
        OnnxGraph.NativeDomain => node.OpType is "SiLU" or "GELU",
        _ => false,
    };

    /// <summary>Whether the node's lowering runs an activation after it.</summary>
    private static bool Takes(Node node, OnnxGraph graph) => node.Domain.Length == 0 && node.OpType switch
    {
        "Conv" or "ConvTranspose" or "Gemm" or "MatMul" or "BatchNormalization" or "Add" => true,
        // Of a feature map and a constant: a depthwise 1x1 convolution (two feature maps: Mul has no activation).
        "Sub" or "Mul" or "Div" => graph.ConstantOf(node.Input(0)) is not null || graph.ConstantOf(node.Input(1)) is not null,
        _ => false,
    };
}
