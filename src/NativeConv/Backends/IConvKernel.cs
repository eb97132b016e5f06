namespace NativeConv;

/// <summary>A prepared convolution. Shapes and spans are validated by the layer before it is called.</summary>
public interface IConvKernel : IDisposable
{
    /// <summary>What ran for the most recent shape: the native implementation's name, or "reference".</summary>
    string ImplementationName { get; }

    /// <summary>
    /// Computes <paramref name="output"/> from <paramref name="input"/> for <paramref name="geometry"/>;
    /// spans have exactly the geometry's lengths and do not overlap.
    /// </summary>
    void Forward(in ConvGeometry geometry, ReadOnlySpan<float> input, Span<float> output);
}
