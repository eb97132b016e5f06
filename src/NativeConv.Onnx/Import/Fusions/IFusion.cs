namespace NativeConv.Onnx;

/// <summary>
/// One pattern rewrite of the imported graph, after constant folding and before lowering (ONNX Runtime's graph
/// transformers): it replaces the nodes it matches by one node that lowers to fewer, fused operations. Each pattern
/// is one file in Import/Fusions; <see cref="Fusions.All"/> lists them in the order they run.
/// </summary>
internal interface IFusion
{
    /// <summary>Rewrites every match in the graph.</summary>
    void Apply(OnnxGraph graph);
}

/// <summary>The fusions, in order: identities out first, then what merges into a node before activations fuse into the result.</summary>
internal static class Fusions
{
    public static IReadOnlyList<IFusion> All { get; } =
    [
        new IdentityElimination(),
        new ConvBatchNormFusion(),
        new PadFusion(),
        new MatMulAddFusion(),
        new GatedActivationFusion(),
        new ActivationFusion(),
        new ChannelShuffleFusion(),
    ];

    /// <summary>The single node reading <paramref name="value"/> (and no graph output reading it), or null.</summary>
    public static Node? OnlyReader(OnnxGraph graph, string value)
    {
        if (graph.IsOutput(value)) return null;
        Node? reader = null;
        foreach (Node node in graph.Nodes)
            foreach (string input in node.Inputs)
                if (input == value)
                {
                    if (reader is not null) return null;
                    reader = node;
                }
        return reader;
    }
}
