namespace NativeConv.Onnx;

/// <summary>
/// An activation times its own input, as exporters write the ones ONNX lacked: x·HardSigmoid(x) (PyTorch's hardswish
/// at opsets before 14) → HardSwish, x·Sigmoid(x) (SiLU, EfficientNet's swish) → SiLU. The gate must be read only by
/// the Mul.
/// </summary>
internal sealed class GatedActivationFusion : IFusion
{
    public void Apply(OnnxGraph graph)
    {
        Dictionary<string, Node> producers = graph.Producers();
        foreach (Node mul in graph.Nodes.ToList())
        {
            if (mul.OpType != "Mul" || mul.Inputs.Count != 2) continue;
            for (int k = 0; k < 2; k++)
            {
                string x = mul.Input(1 - k);
                if (!producers.TryGetValue(mul.Input(k), out Node? gate) || gate.Input(0) != x || Fusions.OnlyReader(graph, gate.Outputs[0]) != mul) continue;
                Node? fused = gate.OpType switch
                {
                    "HardSigmoid" when ActivationOnnx.Of(gate, graph, out _) == Activation.HardSigmoid =>
                        new Node("HardSwish", "", mul.Name, [x], [mul.Outputs[0]], []),
                    "Sigmoid" => new Node("SiLU", OnnxGraph.NativeDomain, mul.Name, [x], [mul.Outputs[0]], []),
                    _ => null,
                };
                if (fused is null) continue;
                fused.Absorbed.AddRange([gate, mul]);
                graph.Fuse(fused, gate, mul);
                producers[mul.Outputs[0]] = fused;
                break;
            }
        }
    }
}
