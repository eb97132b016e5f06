namespace NativeConv;

/// <summary>
/// Squeeze-and-excitation (MobileNet v3): global average pool → 1x1 reduce (ReLU) → 1x1 expand
/// (hard-sigmoid) → the result scales each channel of the input.
/// </summary>
public sealed class SqueezeExcitation
{
    public SqueezeExcitation(ConvBlock reduce, ConvBlock expand)
    {
        ArgumentNullException.ThrowIfNull(reduce);
        ArgumentNullException.ThrowIfNull(expand);
        if (!reduce.Spec.IsPointwise) throw new ArgumentException($"'{reduce.Name}' is not pointwise: {reduce.Spec}", nameof(reduce));
        if (!expand.Spec.IsPointwise) throw new ArgumentException($"'{expand.Name}' is not pointwise: {expand.Spec}", nameof(expand));
        if (reduce.OutChannels != expand.InChannels || expand.OutChannels != reduce.InChannels)
            throw new ArgumentException($"'{reduce.Name}' ({reduce.InChannels}->{reduce.OutChannels}) and '{expand.Name}' ({expand.InChannels}->{expand.OutChannels}) must map C->S->C", nameof(expand));
        Reduce = reduce;
        Expand = expand;
    }

    public int Channels => Reduce.InChannels;

    public ConvBlock Reduce { get; }

    public ConvBlock Expand { get; }

    /// <summary>Adds the squeeze-and-excitation of <paramref name="input"/>, its operations named after <paramref name="name"/>.</summary>
    public Value AddTo(GraphBuilder graph, string name, Value input)
    {
        Value pooled = graph.GlobalAveragePool(input, name + " (pool)");
        Value gate = Expand.AddTo(graph, Reduce.AddTo(graph, pooled));
        return graph.Multiply(input, gate, name + " (scale)");
    }
}
