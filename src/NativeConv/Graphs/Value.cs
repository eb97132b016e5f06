namespace NativeConv;

/// <summary>
/// A tensor of a graph being built: a graph input or an operation's output, logically (N, C, H, W) with its channel
/// count known and its batch and spatial size bound when the network first runs. Returned by
/// <see cref="GraphBuilder"/>'s methods and passed on to the next ones (as in Keras's functional API); a value may be
/// read by any number of operations.
/// </summary>
public readonly record struct Value
{
    internal Value(GraphBuilder builder, int index, int channels)
    {
        Builder = builder;
        Index = index;
        Channels = channels;
    }

    internal GraphBuilder? Builder { get; }

    internal int Index { get; }

    public int Channels { get; }

    /// <summary>Its name: the graph input's, or the operation's that made it (":k" after it for an operation's k-th of several outputs).</summary>
    public string Name => Builder?.NameOf(Index) ?? throw new InvalidOperationException("a default Value belongs to no graph");

    public override string ToString() => Builder is null ? "(no value)" : $"'{Name}' (N, {Channels}, H, W)";
}
