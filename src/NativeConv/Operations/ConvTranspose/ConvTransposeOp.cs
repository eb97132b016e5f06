namespace NativeConv;

/// <summary>A transposed convolution (PyTorch's ConvTranspose2d) with its fused activation; weights in PyTorch order (in, out/groups, kh, kw).</summary>
internal sealed partial class ConvTransposeOp(string name, int input, int output, ConvTranspose2dSpec spec, float[] weights, float[] bias)
    : GraphOp(name, [input], [output])
{
    public ConvTranspose2dSpec Spec { get; } = spec;

    public float[] Weights { get; } = weights;

    public float[] Bias { get; } = bias;

    public override string Definition => Spec.ToString();

    public override void InferShapes(ReadOnlySpan<TensorShape> inputs, Span<TensorShape> outputs)
    {
        ConvGeometry g = Spec.Geometry(inputs[0].Batch, inputs[0].Height, inputs[0].Width);
        outputs[0] = new TensorShape(g.Batch, g.OutChannels, g.OutHeight, g.OutWidth);
    }

    public override long MultiplyAccumulates(ReadOnlySpan<TensorShape> inputs, ReadOnlySpan<TensorShape> outputs) =>
        Spec.MultiplyAccumulates(inputs[0].Batch, inputs[0].Height, inputs[0].Width);

    /// <summary>Every backend runs it (one without a transposed convolution of its own falls back to the reference's).</summary>
    public override OpKernel LowerManaged() => throw new InvalidOperationException($"'{Name}': a transposed convolution runs on a backend's kernel");

    public override OpKernel LowerOn(ConvBackend backend, KernelCache kernels) => kernels.Transposed(this, backend);
}

public sealed partial class GraphBuilder
{
    /// <summary>
    /// A transposed convolution (PyTorch's ConvTranspose2d: any groups, depthwise too, stride, padding, output padding,
    /// dilation) with its fused activation; weights in PyTorch order (in, out/groups, kh, kw), bias of out values or empty.
    /// </summary>
    public Value ConvTranspose2d(Value x, ConvTranspose2dSpec spec, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, string? name = null)
    {
        int input = Read(x, nameof(x));
        ArgumentNullException.ThrowIfNull(spec);
        if (x.Channels != spec.InChannels)
            throw new ArgumentException($"'{name ?? "conv_transpose"}' ({spec}) takes (N, {spec.InChannels}, H, W), but {x} gives (N, {x.Channels}, H, W)", nameof(x));
        ConvArguments.CheckParameters(spec, weights, bias);
        float[] w = weights.ToArray(), b = bias.ToArray();
        return AddOne(name, "conv_transpose", spec.OutChannels, (n, output) => new ConvTransposeOp(n, input, output, spec, w, b));
    }
}
