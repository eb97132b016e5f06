namespace NativeConv.Onnx;

/// <summary>
/// BatchNormalization at inference (training_mode 0, only Y used): folded into the convolution before it by
/// <see cref="ConvBatchNormFusion"/>; elsewhere a per-channel scale and shift (<see cref="ChannelAffine"/>).
/// </summary>
internal sealed class BatchNormalizationOnnx : OnnxOp
{
    public override IReadOnlyList<string> OpTypes => ["BatchNormalization"];

    public override string Summary => "BatchNormalization (inference; folded into the Conv before it, else a per-channel scale)";

    public override (int Min, int Max) Arity(string opType) => (5, 5);

    public override void Infer(Node node, InferContext context)
    {
        ValueInfo? x = context.In(node, 0);
        context.Set(node, 0, x is null ? ValueInfo.UnknownOf(ElementType.Float) : x with { Constant = null });
    }

    /// <summary>The node's normalization, or null with the reason it cannot be read (non-constant or malformed parameters, training mode).</summary>
    public static BatchNorm2d? Parameters(Node node, OnnxGraph graph, out string? reason)
    {
        reason = null;
        if (node.Int("training_mode", 0) != 0) reason = "training_mode 1 (batch statistics): only inference";
        else if (node.Outputs.Skip(1).Any(o => o.Length > 0)) reason = "its running mean/variance outputs are asked for (training)";
        if (reason is not null) return null;
        Tensor?[] p = Enumerable.Range(1, 4).Select(k => graph.ConstantOf(node.Input(k))).ToArray();
        if (p.Any(t => t is null || !t.IsReal || t.Rank != 1 || t.Length != p[0]!.Length))
        {
            reason = "its scale, bias, mean and variance are not float constants of one value per channel";
            return null;
        }
        try
        {
            return new BatchNorm2d(p[0]!.Floats(), p[1]!.Floats(), p[2]!.Floats(), p[3]!.Floats(), node.Float("epsilon", 1e-5f));
        }
        catch (ArgumentException e)
        {
            reason = e.Message;
            return null;
        }
    }

    public override void Lower(Node node, LowerContext context)
    {
        BatchNorm2d? norm = Parameters(node, context.Graph, out string? reason);
        FeatureMap? x = context.Map(node, 0);
        if (norm is not null && x is { } map && map.Value.Channels != norm.Channels) reason = $"{norm.Channels} channels of parameters for an input of {map.Value.Channels}";
        if (context.Stops(node, reason ?? context.NotMap(node, 0))) return;
        ChannelAffine.Lower(node, context, x!.Value, Enumerable.Repeat(1f, norm!.Channels).ToArray(), null, node.Activation, norm);
    }
}
