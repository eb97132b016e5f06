namespace NativeConv.Onnx;

/// <summary>
/// Sigmoid, Tanh, Erf (GELU's), and SiLU (x·sigmoid(x), fused by <see cref="GatedActivationFusion"/>): shape-keeping,
/// so what follows them is checked; they run once NativeConv's activations include them, which this build's do not.
/// </summary>
internal sealed class PendingActivationOnnx : OnnxOp
{
    public override IReadOnlyList<string> OpTypes => ["Sigmoid", "Tanh", "Erf"];

    public override string Summary => "Sigmoid/Tanh/Erf (not in this build)";

    public override void Infer(Node node, InferContext context)
    {
        ValueInfo? x = context.In(node, 0);
        context.Set(node, 0, x?.Shape is { } s ? new ValueInfo(x.Type, s) : ValueInfo.UnknownOf(ElementType.Float));
    }

    public override void Lower(Node node, LowerContext context)
    {
        context.Refuse(node, $"{node.OpType}: NativeConv's activations (ReLU, ReLU6, clamp, HardSwish, HardSigmoid) have no {node.OpType} in this build");
    }
}
