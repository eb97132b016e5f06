namespace NativeConv;

/// <summary>
/// Its input cut along channels into consecutive parts (<c>torch.split(sizes, dim=1)</c>), one output per part: in NHWC
/// each output pixel is a run of the input pixel's channels.
/// </summary>
internal sealed partial class SplitOp(string name, int input, int[] outputs, int[] channels) : GraphOp(name, [input], outputs)
{
    /// <summary>Each part's channels, in order (they add up to the input's).</summary>
    public int[] Channels { get; } = channels;

    /// <summary>Whether every part has as many channels as the first.</summary>
    public bool Even => Channels.All(c => c == Channels[0]);

    public override string Definition => $"split along channels into {string.Join(" + ", Channels)}";

    public override void InferShapes(ReadOnlySpan<TensorShape> inputs, Span<TensorShape> outputs)
    {
        if (inputs[0].Channels != Channels.Sum())
            throw new ArgumentException($"the parts add up to {Channels.Sum()} channels, not the input's {inputs[0].Channels}");
        for (int k = 0; k < outputs.Length; k++) outputs[k] = inputs[0] with { Channels = Channels[k] };
    }
}

public sealed partial class GraphBuilder
{
    /// <summary>
    /// <paramref name="x"/> cut along channels into consecutive parts of <paramref name="channels"/> channels each
    /// (<c>torch.split(x, channels, dim=1)</c>); they must add up to x's channels. One value per part, named
    /// "<paramref name="name"/>:k" (one part: <paramref name="name"/>).
    /// </summary>
    public IReadOnlyList<Value> Split(Value x, IReadOnlyList<int> channels, string? name = null)
    {
        int input = Read(x, nameof(x));
        ArgumentNullException.ThrowIfNull(channels);
        string what = name ?? "split";
        int[] parts = channels.ToArray();
        if (parts.Length == 0) throw new ArgumentException($"'{what}' cuts {x} into at least one part, not none", nameof(channels));
        if (parts.Any(c => c < 1))
            throw new ArgumentException($"'{what}' cuts {x} into parts of [{string.Join(", ", parts)}] channels: every part needs at least 1", nameof(channels));
        if (parts.Sum(c => (long)c) != x.Channels)
            throw new ArgumentException($"'{what}' cuts {x} into parts of [{string.Join(", ", parts)}] channels, which add up to {parts.Sum(c => (long)c)}, not {x.Channels}", nameof(channels));
        return Add(name, "split", parts, (n, outputs) => new SplitOp(n, input, outputs, parts));
    }

    /// <summary><paramref name="x"/> cut along channels into <paramref name="parts"/> equal parts (<c>torch.chunk</c> when it divides); parts must divide its channels.</summary>
    public IReadOnlyList<Value> Split(Value x, int parts, string? name = null)
    {
        Read(x, nameof(x));
        string what = name ?? "split";
        if (parts < 1) throw new ArgumentOutOfRangeException(nameof(parts), parts, $"'{what}' cuts {x} into at least one part");
        if (x.Channels % parts != 0)
            throw new ArgumentException($"'{what}' cuts {x} into {parts} equal parts, but {parts} does not divide its {x.Channels} channels", nameof(parts));
        return Split(x, Enumerable.Repeat(x.Channels / parts, parts).ToArray(), name);
    }
}
