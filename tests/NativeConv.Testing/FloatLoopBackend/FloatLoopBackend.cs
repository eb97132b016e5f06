namespace NativeConv.Testing;

/// <summary>
/// A fourth backend, written only against the public seam (<see cref="ConvBackend"/>, <see cref="ConvKernel"/>),
/// as a user's own would be: direct loops accumulating in float (so, unlike the reference, it has real
/// rounding error, which the conformance bound must cover). Adding it took this folder and one
/// registration line in <see cref="TestBackends"/>.
/// </summary>
public sealed class FloatLoopBackend : ConvBackend
{
    public const string BackendName = "float-loops";

    public override string Name => BackendName;

    public override string Summary => "managed float loops (a test backend registered through the public seam)";

    protected override BackendCapabilities DescribeCore(Conv2dSpec spec, TensorLayout layout) => new(Name, []);

    protected override ConvKernel CreateCore(Conv2dSpec spec, TensorLayout layout, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias) =>
        new FloatLoopKernel(spec, layout, weights, bias);
}
