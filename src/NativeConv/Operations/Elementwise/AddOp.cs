namespace NativeConv;

/// <summary>Left + Right elementwise (a residual connection), then <see cref="Activation"/> (ResNet/RegNet's ReLU after the add).</summary>
internal sealed partial class AddOp(string name, int left, int right, int output, Activation activation)
    : GraphOp(name, [left, right], [output])
{
    public Activation Activation { get; } = activation;

    public override string Definition => Activation.Kind == ActivationKind.None ? "add" : $"add, then {Activation}";

    public override int InPlaceInput => 0;

    public override void InferShapes(ReadOnlySpan<TensorShape> inputs, Span<TensorShape> outputs) =>
        outputs[0] = inputs[0] == inputs[1] ? inputs[0] : throw new ArgumentException($"add of {inputs[0]} and {inputs[1]}: the shapes differ");
}

public sealed partial class GraphBuilder
{
    /// <summary><paramref name="a"/> + <paramref name="b"/> elementwise (the same shape), then <paramref name="activation"/> if given.</summary>
    public Value Add(Value a, Value b, Activation? activation = null, string? name = null)
    {
        int left = Read(a, nameof(a)), right = Read(b, nameof(b));
        if (a.Channels != b.Channels)
            throw new ArgumentException($"'{name ?? "add"}' adds values of the same shape, but {a} and {b} differ in channels", nameof(b));
        NativeConv.Activation after = activation ?? NativeConv.Activation.None; // qualified: Activation is also a method here
        return AddOne(name, "add", a.Channels, (n, output) => new AddOp(n, left, right, output, after));
    }
}
