namespace NativeConv;

/// <summary>
/// Pure C#: straightforward loops with double accumulation, written for obviousness, not speed.
/// Every native result is cross-checked against it.
/// </summary>
public sealed class ReferenceBackend(string name = ReferenceBackend.BackendName) : ConvBackend
{
    public const string BackendName = "reference";

    public override string Name { get; } = name;

    public override string Summary => "pure C#, double accumulation";

    internal override QuantizedKernel<T> CreateQuantized<T>(QuantizedConvWeights weights, QuantizationParameters input, QuantizationParameters output, TensorLayout layout) =>
        new QuantizedReferenceKernel<T>(weights, input, output, layout);

    /// <summary>It computes the definition in double: NaN and ±infinity are PyTorch's by construction (<see cref="NonFiniteRules"/>).</summary>
    internal override bool KeepsNonFinite(Activation activation, ConvPrecision precision) => true;

    protected override BackendCapabilities DescribeCore(Conv2dSpec spec, TensorLayout layout) => new(Name, []);

    protected override ConvKernel CreateCore(Conv2dSpec spec, TensorLayout layout, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias) =>
        new ReferenceConvKernel(spec, layout, weights, bias);

    /// <summary>The reference transposed convolution is this backend's own (<see cref="ConvBackend.CreateTransposedCore"/>'s default), not a fallback.</summary>
    protected override BackendCapabilities DescribeTransposedCore(ConvTranspose2dSpec spec, TensorLayout layout) => new(Name, []);
}
