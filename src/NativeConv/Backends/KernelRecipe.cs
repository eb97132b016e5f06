namespace NativeConv;

/// <summary>
/// What a native kernel prepares once per spec and never changes: weights and bias in the backend's
/// form, attributes, the fusion decision. Per-shape states are made from it and receive it; it does not
/// know them. Valid while the kernel holds its reference on the backend's shared native object.
/// </summary>
internal abstract class KernelRecipe<TSpec>(TSpec spec, TensorLayout layout) : IDisposable where TSpec : ConvolutionSpec
{
    public TSpec Spec { get; } = spec;

    public TensorLayout Layout { get; } = layout;

    /// <summary>Per-thread settings a call needs before its state is made or run (oneDNN: OpenMP's thread count).</summary>
    public virtual void PrepareCallingThread()
    {
    }

    /// <summary>The native state for one input shape.</summary>
    public abstract IShapeState CreateState(in ConvGeometry geometry);

    public abstract void Dispose();
}
