namespace NativeConv;

/// <summary>
/// The graph rewrite a network makes before planning: a standalone activation (<see cref="GraphBuilder.Activation"/>)
/// whose input is made by a convolution (transposed too) or an add with no activation of its own, and read by nothing else (no other
/// operation, not a graph output), is folded into that operation, which then makes the activation's output itself. So a
/// graph written as conv → sigmoid, by hand or by an importer, runs on the backends' fused kernels (oneDNN's post-ops,
/// XNNPACK's clamps). Values keep their numbers; the folded operation's own output is no longer made.
/// </summary>
internal static class ActivationFolding
{
    /// <summary>The graph with every foldable activation folded (the same graph when there is none).</summary>
    public static NetworkGraph Fold(NetworkGraph graph)
    {
        var readers = new int[graph.ValueCount];
        foreach (GraphOp op in graph.Ops)
            foreach (int v in op.Inputs)
                readers[v]++;
        foreach (int v in graph.OutputValues) readers[v]++; // an output is read by the caller
        var ops = graph.Ops.ToList();
        var producer = new Dictionary<int, int>(); // value -> index in ops of what makes it
        bool folded = false;
        for (int i = 0; i < ops.Count; i++)
        {
            if (ops[i] is ActivationOp activation && readers[activation.Input] == 1 && producer.TryGetValue(activation.Input, out int p)
                && WithActivation(ops[p], activation) is { } fused)
            {
                ops[p] = fused; // runs where its inputs are ready; whatever reads the activation's output comes after it
                ops.RemoveAt(i--);
                producer[activation.Output] = p;
                folded = true;
                continue;
            }
            foreach (int v in ops[i].Outputs) producer[v] = i;
        }
        return folded ? new NetworkGraph(ops, graph.Channels, graph.ValueNames, graph.InputValues, graph.OutputValues, graph.Outputs.Select(o => o.Name).ToArray()) : graph;
    }

    /// <summary><paramref name="op"/> making <paramref name="activation"/>'s output with the activation fused, or null when it cannot take it.</summary>
    private static GraphOp? WithActivation(GraphOp op, ActivationOp activation) => op switch
    {
        ConvOp { Spec.Activation.Kind: ActivationKind.None } conv =>
            new ConvOp(conv.Name, conv.Input, activation.Output, conv.Spec.WithActivation(activation.Activation), conv.Weights, conv.Bias),
        ConvTransposeOp { Spec.Activation.Kind: ActivationKind.None } deconv =>
            new ConvTransposeOp(deconv.Name, deconv.Inputs[0], activation.Output, deconv.Spec.WithActivation(activation.Activation), deconv.Weights, deconv.Bias),
        AddOp { Activation.Kind: ActivationKind.None } add => new AddOp(add.Name, add.Inputs[0], add.Inputs[1], activation.Output, activation.Activation),
        _ => null,
    };
}
