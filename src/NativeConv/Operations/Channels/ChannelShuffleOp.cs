namespace NativeConv;

/// <summary>
/// ShuffleNet's channel shuffle (PyTorch's <c>channel_shuffle(x, groups)</c>): the channels seen as (groups, C/groups),
/// transposed to (C/groups, groups). Output channel k·groups + j is input channel j·(C/groups) + k.
/// </summary>
internal sealed partial class ChannelShuffleOp(string name, int input, int output, int channels, int groups) : GraphOp(name, [input], [output])
{
    public int Channels { get; } = channels;

    public int Groups { get; } = groups;

    public override string Definition => $"channel shuffle, {Groups} groups";

    public override void InferShapes(ReadOnlySpan<TensorShape> inputs, Span<TensorShape> outputs) => outputs[0] = inputs[0];

    /// <summary>Whether the shuffle moves nothing: one group, or one channel per group.</summary>
    public bool IsIdentity => Groups == 1 || Groups == Channels;
}

public sealed partial class GraphBuilder
{
    /// <summary>
    /// ShuffleNet's channel shuffle of <paramref name="x"/> in <paramref name="groups"/> groups (PyTorch's
    /// <c>channel_shuffle</c>: (N, g, C/g, H, W) transposed to (N, C/g, g, H, W)); groups must divide x's channels.
    /// </summary>
    public Value ChannelShuffle(Value x, int groups, string? name = null)
    {
        int input = Read(x, nameof(x));
        string what = name ?? "channel_shuffle";
        if (groups < 1) throw new ArgumentOutOfRangeException(nameof(groups), groups, $"'{what}' shuffles {x} in at least one group");
        if (x.Channels % groups != 0)
            throw new ArgumentException($"'{what}' shuffles {x} in {groups} groups, but {groups} does not divide its {x.Channels} channels", nameof(groups));
        return AddOne(name, "channel_shuffle", x.Channels, (n, output) => new ChannelShuffleOp(n, input, output, x.Channels, groups));
    }
}
