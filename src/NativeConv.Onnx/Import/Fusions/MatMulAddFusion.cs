namespace NativeConv.Onnx;

/// <summary>
/// MatMul (a feature map by a constant matrix) → Add of a constant bias of one value per output (nn.Linear as some
/// exporters write it): the bias becomes the MatMul's third input, so the pair is one linear layer.
/// </summary>
internal sealed class MatMulAddFusion : IFusion
{
    public void Apply(OnnxGraph graph)
    {
        Dictionary<string, Node> producers = graph.Producers();
        foreach (Node add in graph.Nodes.ToList())
        {
            if (add.OpType != "Add") continue;
            for (int k = 0; k < 2; k++)
            {
                if (!producers.TryGetValue(add.Input(k), out Node? matmul) || matmul.OpType != "MatMul" || matmul.Inputs.Count != 2) continue;
                if (graph.ConstantOf(matmul.Input(1)) is not { Rank: 2 } b || graph.ConstantOf(add.Input(1 - k)) is not { IsReal: true } bias) continue;
                if (bias.Length != b.Dims[1] || bias.Dims.Take(bias.Rank - 1).Any(d => d != 1)) continue;
                if (Fusions.OnlyReader(graph, matmul.Outputs[0]) != add) continue;
                matmul.Inputs.Add(add.Input(1 - k));
                matmul.Outputs[0] = add.Outputs[0];
                matmul.Absorbed.Add(add);
                graph.Fuse(matmul, matmul, add);
                producers[matmul.Outputs[0]] = matmul;
                break;
            }
        }
    }
}
