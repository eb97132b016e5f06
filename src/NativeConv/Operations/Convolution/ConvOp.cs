namespace NativeConv;

/// <summary>A convolution with its fused activation; weights in PyTorch order, BatchNorm already folded.</summary>
internal sealed partial class ConvOp(string name, int input, int output, Conv2dSpec spec, float[] weights, float[] bias)
    : GraphOp(name, [input], [output])
{
    public Conv2dSpec Spec { get; } = spec;

    public float[] Weights { get; } = weights;

    public float[] Bias { get; } = bias;

    public int Input => Inputs[0];

    public override string Definition => Spec.ToString();

    public override void InferShapes(ReadOnlySpan<TensorShape> inputs, Span<TensorShape> outputs)
    {
        ConvGeometry g = Spec.Geometry(inputs[0].Batch, inputs[0].Height, inputs[0].Width);
        outputs[0] = new TensorShape(g.Batch, g.OutChannels, g.OutHeight, g.OutWidth);
    }

    public override long MultiplyAccumulates(ReadOnlySpan<TensorShape> inputs, ReadOnlySpan<TensorShape> outputs) =>
        (long)outputs[0].Batch * outputs[0].Height * outputs[0].Width * Spec.OutChannels * Spec.WeightsPerOutputChannel;

    /// <summary>Convolutions have no managed fallback of their own: every backend runs them (the reference one included).</summary>
    public override OpKernel LowerManaged() => throw new InvalidOperationException($"'{Name}': a convolution runs on a backend's kernel");

    public override OpKernel LowerOn(ConvBackend backend, KernelCache kernels) => kernels.Convolution(this, backend, residualSum: false);
}
