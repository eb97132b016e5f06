namespace NativeConv.Onnx;

/// <summary>
/// Erf outside GELU's pattern (<see cref="GeluFusion"/>): shape-keeping, so what follows it is checked, and refused
/// naming the pattern it did not complete (NativeConv has GELU, not erf on its own).
/// </summary>
internal sealed class ErfOnnx : OnnxOp
{
    public override IReadOnlyList<string> OpTypes => ["Erf"];

    public override string Summary => "Erf (only within GELU's x·(1 + Erf(x/√2))·0.5)";

    /// <summary>The input's type and shape (an erf that is no activation of NativeConv's is not folded: it is refused).</summary>
    public override void Infer(Node node, InferContext context) => ActivationOnnx.InferActivation(node, context);

    public override void Lower(Node node, LowerContext context) =>
        context.Refuse(node, "Erf outside GELU's pattern x·(1 + Erf(x/√2))·0.5 (Div by √2 or Mul by 1/√2, Erf, Add 1, Mul by x, Mul by 0.5): NativeConv has GELU, not erf on its own");
}
