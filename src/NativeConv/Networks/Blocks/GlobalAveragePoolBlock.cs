namespace NativeConv;

/// <summary>The mean over height and width, (N, C, H, W) → (N, C, 1, 1): before a classifier.</summary>
public sealed class GlobalAveragePoolBlock(string name, int channels) : NetworkBlock(name, channels, channels)
{
    internal override int AddTo(NetworkGraph graph, int input) => graph.GlobalAveragePool(Name, input);
}
