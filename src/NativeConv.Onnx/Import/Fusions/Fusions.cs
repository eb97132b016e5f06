namespace NativeConv.Onnx;

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
        new GeluFusion(),
        new ActivationFusion(),
        new ChannelShuffleFusion(),
        new ChannelSliceFusion(),
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
