namespace NativeConv;

/// <summary>
/// An activation as an operation of its own, elementwise: Output = activation(Input) (ONNX's Sigmoid, Tanh or Relu node,
/// a GELU written after a layer). <see cref="ActivationFolding"/> fuses it into the convolution or add before it where
/// that operation's output is read by it alone.
/// </summary>
internal sealed partial class ActivationOp(string name, int input, int output, Activation activation) : GraphOp(name, [input], [output])
{
    public Activation Activation { get; } = activation;

    public int Input => Inputs[0];

    public override string Definition => Activation.ToString();

    public override int InPlaceInput => 0;

    public override void InferShapes(ReadOnlySpan<TensorShape> inputs, Span<TensorShape> outputs) => outputs[0] = inputs[0];
}

public sealed partial class GraphBuilder
{
    /// <summary>
    /// <paramref name="activation"/> of <paramref name="x"/>, elementwise (any kind but None, which would compute nothing).
    /// When the network is made, it is fused into the convolution or add before it if that operation's output is read
    /// by this activation alone and has no activation of its own.
    /// </summary>
    public Value Activation(Value x, Activation activation, string? name = null)
    {
        int input = Read(x, nameof(x));
        if (activation.Kind == ActivationKind.None)
            throw new ArgumentException($"'{name ?? "activation"}' of {x}: an activation of none computes nothing; leave it out", nameof(activation));
        return AddOne(name, activation.Kind.ToString().ToLowerInvariant(), x.Channels, (n, output) => new ActivationOp(n, input, output, activation));
    }
}
