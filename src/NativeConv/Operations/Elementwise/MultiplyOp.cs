namespace NativeConv;

/// <summary>
/// Input × Scale elementwise, Scale either of Input's shape or (N, C, 1, 1) broadcast over height and width
/// (squeeze-and-excitation's gate rescaling each channel).
/// </summary>
internal sealed partial class MultiplyOp(string name, int input, int scale, int output) : GraphOp(name, [input, scale], [output])
{
    public override string Definition => "multiply";

    public override int InPlaceInput => 0;

    public override void InferShapes(ReadOnlySpan<TensorShape> inputs, Span<TensorShape> outputs)
    {
        TensorShape x = inputs[0], scale = inputs[1];
        outputs[0] = scale == x || scale == x with { Height = 1, Width = 1 } ? x
            : throw new ArgumentException($"scale {scale} is neither {x} nor {x with { Height = 1, Width = 1 }} (per channel)");
    }

    /// <summary>Whether the scale is per channel for these shapes (else elementwise).</summary>
    internal static bool PerChannel(OpShapes shapes) => shapes.Inputs[1] != shapes.Inputs[0];
}

public sealed partial class GraphBuilder
{
    /// <summary>
    /// <paramref name="x"/> × <paramref name="scale"/>: elementwise for a scale of x's shape, per channel for (N, C, 1, 1)
    /// (squeeze-and-excitation's gate).
    /// </summary>
    public Value Multiply(Value x, Value scale, string? name = null)
    {
        int input = Read(x, nameof(x)), s = Read(scale, nameof(scale));
        if (x.Channels != scale.Channels)
            throw new ArgumentException($"'{name ?? "multiply"}' scales {x} by {scale}: the channels differ", nameof(scale));
        return AddOne(name, "multiply", x.Channels, (n, output) => new MultiplyOp(n, input, s, output));
    }
}
