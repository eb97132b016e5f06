namespace NativeConv;

/// <summary>
/// What a <see cref="QuantizedNetwork{T}"/> runs: its graph, each convolution's int8 weights and the parameters of
/// every value (calibrated by <see cref="QuantizedNetwork{T}.Calibrate"/>).
/// </summary>
public sealed class QuantizedNetworkParameters
{
    internal QuantizedNetworkParameters(NetworkGraph graph, QuantizationParameters[] values, QuantizedConvWeights?[] weights)
    {
        Graph = graph;
        Values = values;
        Weights = weights;
        Layers = graph.Ops.Select((op, i) => (op, i)).Where(p => weights[p.i] is not null)
            .Select(p => new QuantizedLayerDefinition(weights[p.i]!, values[p.op.Inputs[0]], values[p.op.Output])).ToList();
    }

    /// <summary>
    /// The same network for data shifted by <paramref name="shift"/> (uint8 − 128 = int8): every zero point moves
    /// with it, scales and weights stay, so x − z and every result are unchanged.
    /// </summary>
    internal QuantizedNetworkParameters Shifted(int shift) =>
        new(Graph, Values.Select(p => p with { ZeroPoint = p.ZeroPoint + shift }).ToArray(), Weights);

    /// <summary>The convolutions, in the order they run.</summary>
    public IReadOnlyList<QuantizedLayerDefinition> Layers { get; }

    /// <summary>The parameters the caller quantizes its input with.</summary>
    public QuantizationParameters Input => Values[Graph.Input];

    /// <summary>The parameters the output is in.</summary>
    public QuantizationParameters Output => Values[Graph.Output];

    /// <summary>The network the float one was, with every operation's definition (the same graph, shapes and buffer planning).</summary>
    internal NetworkGraph Graph { get; }

    /// <summary>Per value, its parameters.</summary>
    internal QuantizationParameters[] Values { get; }

    /// <summary>Per operation, its int8 weights (null: not a convolution).</summary>
    internal QuantizedConvWeights?[] Weights { get; }
}
