namespace NativeConv;

/// <summary>
/// Its inputs joined along channels, in order (<c>torch.cat(dim=1)</c>): every input of the same N, H and W, the output
/// of the summed channels. In NHWC each pixel's output is the inputs' channel runs one after another.
/// </summary>
internal sealed partial class ConcatOp(string name, int[] inputs, int output, int[] channels) : GraphOp(name, inputs, [output])
{
    /// <summary>Each input's channels, in order.</summary>
    public int[] Channels { get; } = channels;

    public override string Definition => $"concat along channels ({string.Join(" + ", Channels)})";

    public override void InferShapes(ReadOnlySpan<TensorShape> inputs, Span<TensorShape> outputs)
    {
        TensorShape first = inputs[0];
        int channels = 0;
        foreach (TensorShape x in inputs)
        {
            if (x.Batch != first.Batch || x.Height != first.Height || x.Width != first.Width)
                throw new ArgumentException("the inputs differ in batch, height or width; a concat along channels needs them equal");
            channels += x.Channels;
        }
        outputs[0] = first with { Channels = channels };
    }
}

public sealed partial class GraphBuilder
{
    /// <summary>
    /// <paramref name="values"/> joined along channels in order (<c>torch.cat(values, dim=1)</c>): the output has their
    /// channels summed. Their batch, height and width must be equal, checked at the first call for a shape.
    /// </summary>
    public Value Concat(IReadOnlyList<Value> values, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(values);
        string what = name ?? "concat";
        if (values.Count == 0) throw new ArgumentException($"'{what}' joins at least one value, not none", nameof(values));
        var inputs = new int[values.Count];
        var channels = new int[values.Count];
        long total = 0;
        for (int k = 0; k < values.Count; k++)
        {
            inputs[k] = Read(values[k], $"{nameof(values)}[{k}]");
            channels[k] = values[k].Channels;
            total += channels[k];
        }
        if (total > int.MaxValue)
            throw new ArgumentException($"'{what}' of {string.Join(", ", values)}: {total} channels are more than a value can hold", nameof(values));
        return AddOne(name, "concat", (int)total, (n, output) => new ConcatOp(n, inputs, output, channels));
    }
}
