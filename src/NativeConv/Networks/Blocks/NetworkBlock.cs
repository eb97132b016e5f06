namespace NativeConv;

/// <summary>
/// A part of a network, defined once and backend-free: its weights are validated and BatchNorms folded
/// when it is constructed, and <see cref="AddTo"/> adds its operations to a <see cref="GraphBuilder"/>.
/// <see cref="ConvNetwork"/> runs a list of blocks; <see cref="Build"/> runs one block on its own. A block of your own
/// needs no subclass: a function over the builder is one.
/// </summary>
public abstract class NetworkBlock
{
    protected NetworkBlock(string name, int inChannels, int outChannels)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
        InChannels = inChannels;
        OutChannels = outChannels;
    }

    /// <summary>Where it comes from, e.g. torchvision's <c>features.3</c>: named in errors and plans.</summary>
    public string Name { get; }

    public int InChannels { get; }

    public int OutChannels { get; }

    /// <summary>Throws naming both parts and both shapes unless <paramref name="next"/> takes what <paramref name="previous"/> gives.</summary>
    protected static void CheckChain(ConvBlock? previous, ConvBlock next, string argument)
    {
        if (previous is not null && previous.OutChannels != next.InChannels)
            throw new ArgumentException($"'{next.Name}' ({next.Spec}) takes (N, {next.InChannels}, H, W), but '{previous.Name}' gives (N, {previous.OutChannels}, H, W)", argument);
    }

    /// <summary>Adds the block's operations after <paramref name="input"/>; returns the value it makes.</summary>
    public abstract Value AddTo(GraphBuilder graph, Value input);

    /// <summary>This block alone as a runnable layer on <paramref name="backend"/>.</summary>
    public ConvNetwork Build(ConvBackend backend, TensorLayout layout = TensorLayout.Nchw) =>
        new([this], ConvBackends.Of(backend), new NetworkOptions { Backend = backend.Name, Layout = layout });

    public override string ToString() => $"{Name}: {GetType().Name} {InChannels}->{OutChannels}";
}
