namespace NativeConv.Onnx;

/// <summary>
/// The activations ONNX (before opset 20) has no operator for, as the fusions wrote them in NativeConv's domain: SiLU
/// from x·Sigmoid(x) (<see cref="GatedActivationFusion"/>) and GELU from x·(1 + Erf(x/√2))·0.5
/// (<see cref="GeluFusion"/>). Shape-keeping; fused into the operation before them like any activation
/// (<see cref="ActivationFusion"/>), elsewhere NativeConv's activation operation.
/// </summary>
internal sealed class FusedActivationOnnx : OnnxOp
{
    public override IReadOnlyList<string> OpTypes => ["SiLU", "GELU"];

    public override string Domain => OnnxGraph.NativeDomain;

    public override string Summary => "SiLU from x·Sigmoid(x), GELU from x·(1 + Erf(x/√2))·0.5";

    public override void Infer(Node node, InferContext context) => ActivationOnnx.InferActivation(node, context);

    public override void Lower(Node node, LowerContext context) => ActivationOnnx.LowerActivation(node, context);
}
