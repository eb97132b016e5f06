namespace NativeConv.Onnx;

/// <summary>SiLU as a fusion wrote it (x·Sigmoid(x)): shape-keeping, not in this build's activations.</summary>
internal sealed class SiLUOnnx : OnnxOp
{
    public override IReadOnlyList<string> OpTypes => ["SiLU"];

    public override string Domain => OnnxGraph.NativeDomain;

    public override string Summary => "SiLU from Sigmoid·x (not in this build)";

    public override void Infer(Node node, InferContext context) => new PendingActivationOnnx().Infer(node, context);

    public override void Lower(Node node, LowerContext context)
    {
        context.Refuse(node, $"SiLU (x·Sigmoid(x), fused from {string.Join(" and ", node.Absorbed.Select(n => n.ToString()))}): NativeConv's activations have no SiLU in this build");
    }
}
