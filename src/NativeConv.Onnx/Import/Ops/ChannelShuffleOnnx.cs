namespace NativeConv.Onnx;

/// <summary>
/// A channel shuffle, as <see cref="ChannelShuffleFusion"/> found it in a Reshape-Transpose-Reshape (ShuffleNet's
/// <c>channel_shuffle</c>) → <see cref="GraphBuilder.ChannelShuffle"/> of the same groups; the same shape.
/// </summary>
internal sealed class ChannelShuffleOnnx : OnnxOp
{
    public override IReadOnlyList<string> OpTypes => ["ChannelShuffle"];

    public override string Domain => OnnxGraph.NativeDomain;

    public override string Summary => "channel shuffle from Reshape-Transpose-Reshape";

    public override void Infer(Node node, InferContext context) => context.Set(node, 0, context.In(node, 0) ?? ValueInfo.UnknownOf(ElementType.Float));

    public override void Lower(Node node, LowerContext context)
    {
        if (context.Stops(node, context.NotMap(node, 0))) return;
        FeatureMap x = context.Map(node, 0)!.Value;
        context.Define(node, 0, context.Builder.ChannelShuffle(x.Value, node.Parameter, context.Name(node)), x.Rank);
    }
}
