namespace NativeConv;

/// <summary>
/// A convolution's (or transposed convolution's) filter in XNNPACK's order and its bias, in native memory that the
/// subgraph runtimes made from a network point at for as long as they live.
/// </summary>
internal sealed class XnnpackFilterStatics : IDisposable
{
    public required NativeFloatBuffer Filter { get; init; }

    public NativeFloatBuffer? Bias { get; init; }

    public void Dispose()
    {
        Filter.Dispose();
        Bias?.Dispose();
    }
}
