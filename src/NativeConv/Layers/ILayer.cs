namespace NativeConv;

/// <summary>
/// What layers, blocks and whole networks share: a fixed number of input channels, an output shape
/// that follows from the input shape, and a forward pass over caller-owned buffers in <see cref="Layout"/>.
/// </summary>
public interface ILayer : IDisposable
{
    /// <summary>The memory layout of the input and the output.</summary>
    TensorLayout Layout { get; }

    int InChannels { get; }

    int OutChannels { get; }

    /// <summary>The output shape for <paramref name="input"/>; throws an <see cref="ArgumentException"/> naming the shapes when the input does not fit.</summary>
    TensorShape OutputShape(TensorShape input);

    /// <summary>
    /// Runs on <paramref name="input"/> of (batch, <see cref="InChannels"/>, height, width) in <see cref="Layout"/>;
    /// <paramref name="output"/> receives <see cref="OutputShape"/>. Both exactly that long, not overlapping.
    /// </summary>
    void Forward(ReadOnlySpan<float> input, Span<float> output, int batch, int height, int width);
}
