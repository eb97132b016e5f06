namespace NativeConv.Onnx;

/// <summary>
/// Conv → BatchNormalization (when the exporter did not fold it): the normalization folded into the convolution's
/// weights and bias, in double, rounded once (<see cref="BatchNorm2d.Fold"/>).
/// </summary>
internal sealed class ConvBatchNormFusion : IFusion
{
    public void Apply(OnnxGraph graph)
    {
        Dictionary<string, Node> producers = graph.Producers();
        foreach (Node bn in graph.Nodes.ToList())
        {
            if (bn.OpType != "BatchNormalization" || !producers.TryGetValue(bn.Input(0), out Node? conv)) continue;
            if (conv.OpType != "Conv" || conv.BatchNorm is not null || conv.Activation.Kind != ActivationKind.None) continue;
            if (Fusions.OnlyReader(graph, conv.Outputs[0]) != bn) continue;
            if (BatchNormalizationOnnx.Parameters(bn, graph, out _) is not { } norm) continue;
            if (graph.ConstantOf(conv.Input(1)) is not { Rank: 4 } w || w.Dims[0] != norm.Channels) continue;
            conv.BatchNorm = norm;
            conv.Outputs[0] = bn.Outputs[0];
            conv.Absorbed.Add(bn);
            graph.Fuse(conv, conv, bn);
            producers[conv.Outputs[0]] = conv;
        }
    }
}
