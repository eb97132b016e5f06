namespace NativeConv;

/// <summary>The MobileNet v1 block: depthwise convolution → pointwise convolution, each with its activation.</summary>
public sealed class SeparableBlock : NetworkBlock
{
    public SeparableBlock(string name, ConvBlock depthwise, ConvBlock pointwise)
        : base(name, depthwise?.InChannels ?? 0, pointwise?.OutChannels ?? 0)
    {
        ArgumentNullException.ThrowIfNull(depthwise);
        ArgumentNullException.ThrowIfNull(pointwise);
        if (!depthwise.Spec.IsDepthwise) throw new ArgumentException($"'{depthwise.Name}' is not depthwise: {depthwise.Spec}", nameof(depthwise));
        if (!pointwise.Spec.IsPointwise) throw new ArgumentException($"'{pointwise.Name}' is not pointwise: {pointwise.Spec}", nameof(pointwise));
        CheckChain(depthwise, pointwise, nameof(pointwise));
        Depthwise = depthwise;
        Pointwise = pointwise;
    }

    public ConvBlock Depthwise { get; }

    public ConvBlock Pointwise { get; }

    public override Value AddTo(GraphBuilder graph, Value input) => Pointwise.AddTo(graph, Depthwise.AddTo(graph, input));
}
