namespace NativeConv.Onnx;

/// <summary>
/// Identity and inference Dropout nodes removed: their readers read the input instead, so they do not stand between a
/// convolution and what fuses into it. One whose output is a graph output stays (a view).
/// </summary>
internal sealed class IdentityElimination : IFusion
{
    public void Apply(OnnxGraph graph)
    {
        foreach (Node node in graph.Nodes.ToList())
        {
            if (node.OpType is not ("Identity" or "Dropout") || node.Domain.Length > 0 || IdentityOnnx.NotIdentity(node, graph) is not null) continue;
            string from = node.Input(0), to = node.Outputs[0];
            if (graph.IsOutput(to) || from.Length == 0) continue;
            foreach (Node reader in graph.Nodes)
                for (int k = 0; k < reader.Inputs.Count; k++)
                    if (reader.Inputs[k] == to) reader.Inputs[k] = from;
            graph.Remove(node, "removed (the identity at inference)");
        }
    }
}
