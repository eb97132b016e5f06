namespace NativeConv;

/// <summary>The mean over height and width: (N, C, H, W) → (N, C, 1, 1).</summary>
internal sealed partial class GlobalAveragePoolOp(string name, int input, int output) : GraphOp(name, [input], [output])
{
    public override string Definition => "global average pool";

    public override void InferShapes(ReadOnlySpan<TensorShape> inputs, Span<TensorShape> outputs) => outputs[0] = inputs[0] with { Height = 1, Width = 1 };
}

public sealed partial class GraphBuilder
{
    /// <summary>The mean over height and width: (N, C, H, W) → (N, C, 1, 1).</summary>
    public Value GlobalAveragePool(Value x, string? name = null)
    {
        int input = Read(x, nameof(x));
        return AddOne(name, "global_average_pool", x.Channels, (n, output) => new GlobalAveragePoolOp(n, input, output));
    }
}
