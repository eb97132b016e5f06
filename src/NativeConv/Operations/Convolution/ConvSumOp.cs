namespace NativeConv;

/// <summary>
/// A convolution and the residual add after it in one operation, where the backend can (oneDNN's sum post-op):
/// Output = AfterSum(conv(Input) + Residual), the backend adding what the output buffer holds (so the residual is written
/// there first, or already is), then the add's activation (eltwise post-ops after the sum). Made by
/// <see cref="NetworkGraph.FuseResidualSums"/>, never by a builder.
/// </summary>
internal sealed partial class ConvSumOp(ConvOp convolution, int residual, int output, Activation afterSum)
    : GraphOp(convolution.Name + " + residual", [convolution.Input, residual], [output])
{
    public ConvOp Convolution { get; } = convolution;

    /// <summary>The add's activation, after the sum (None: none).</summary>
    public Activation AfterSum { get; } = afterSum;

    public int Residual => Inputs[1];

    /// <summary>The unfused graph's convolution and add it stands for.</summary>
    public int[] Origins { get; init; } = [];

    public override string Definition => Convolution.Definition + ", residual added as a post-op"
        + (AfterSum.Kind == ActivationKind.None ? "" : $", then {AfterSum}");

    public override int InPlaceInput => 1;

    public override void InferShapes(ReadOnlySpan<TensorShape> inputs, Span<TensorShape> outputs)
    {
        Convolution.InferShapes(inputs[..1], outputs);
        if (outputs[0] != inputs[1]) throw new ArgumentException($"residual add of {outputs[0]} and {inputs[1]}: the shapes differ");
    }

    public override long MultiplyAccumulates(ReadOnlySpan<TensorShape> inputs, ReadOnlySpan<TensorShape> outputs) =>
        Convolution.MultiplyAccumulates(inputs[..1], outputs);

    public override OpKernel LowerManaged() => throw new InvalidOperationException($"'{Name}': a fused sum runs on its backend's kernel");

    public override OpKernel LowerOn(ConvBackend backend, KernelCache kernels) => kernels.Convolution(Convolution, backend, residualSum: true, AfterSum);
}
