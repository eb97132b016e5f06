namespace NativeConv;

/// <summary>
/// Pure C#: straightforward loops with double accumulation, written for obviousness, not speed.
/// Every native result is cross-checked against it.
/// </summary>
public sealed class ReferenceBackend : IConvBackend
{
    public const string BackendName = "reference";

    public string Name => BackendName;

    public BackendCapabilities Describe(Conv2dSpec spec, TensorLayout layout) => new(Name, []);

    public IConvKernel Create(Conv2dSpec spec, TensorLayout layout, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias) =>
        new ReferenceConvKernel(spec, layout, weights, bias);
}
