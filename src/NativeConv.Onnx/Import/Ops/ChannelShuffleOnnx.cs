namespace NativeConv.Onnx;

/// <summary>
/// A channel shuffle, as <see cref="ChannelShuffleFusion"/> found it in a Reshape-Transpose-Reshape (ShuffleNet): the
/// same shape; it runs once the graph has one (GraphBuilder.ChannelShuffle), which this build does not have yet.
/// </summary>
internal sealed class ChannelShuffleOnnx : OnnxOp
{
    public override IReadOnlyList<string> OpTypes => ["ChannelShuffle"];

    public override string Domain => OnnxGraph.NativeDomain;

    public override string Summary => "channel shuffle from Reshape-Transpose-Reshape (not in this build)";

    public override void Infer(Node node, InferContext context) => context.Set(node, 0, context.In(node, 0) ?? ValueInfo.UnknownOf(ElementType.Float));

    public override void Lower(Node node, LowerContext context)
    {
        context.Refuse(node, $"channel shuffle of {node.Parameter} groups (fused from {string.Join(", ", node.Absorbed.Select(n => n.ToString()))}): " +
            "needs the graph's channel shuffle (GraphBuilder.ChannelShuffle), not in this build");
    }
}
