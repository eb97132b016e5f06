namespace NativeConv;

internal sealed partial class ConvSumOp
{
    /// <summary>The convolution's reference, then the add's with its activation: what the fused kernel computes.</summary>
    public override ReferenceTensor[] Reference(ReferenceTensor[] inputs, ReferenceContext context) =>
        [AddOp.Sum(Convolution.Reference([inputs[0]], context)[0], inputs[1], AfterSum)];
}
