namespace NativeConv;

/// <summary>The mean over height and width, (N, C, H, W) → (N, C, 1, 1): before a classifier.</summary>
public sealed class GlobalAveragePoolBlock(string name, int channels)
    : NetworkBlock(name, channels > 0 ? channels : throw new ArgumentOutOfRangeException(nameof(channels), channels, "must be at least 1"), channels)
{
    public override Value AddTo(GraphBuilder graph, Value input) => graph.GlobalAveragePool(input, Name);
}
