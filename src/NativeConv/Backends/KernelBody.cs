namespace NativeConv;

/// <summary>
/// What runs behind a built-in kernel's checked contract (<see cref="ConvKernel{TSpec}"/>): a native library's recipe
/// and per-shape states (<see cref="NativeKernelBody{TSpec}"/>) or a managed computation (<see cref="ManagedKernelBody{TSpec}"/>).
/// Called under the kernel's lock, with a geometry that is the spec's and spans of exactly its lengths; disposed once,
/// never during a call.
/// </summary>
internal abstract class KernelBody<TSpec> : IDisposable where TSpec : ConvolutionSpec
{
    /// <summary>What ran for the most recent shape.</summary>
    public abstract string ImplementationName { get; }

    /// <summary>Makes what is kept for a shape without running; names the implementation (null: not known before a call).</summary>
    public virtual string? Prepare(in ConvGeometry geometry) => null;

    public abstract void Forward(in ConvGeometry geometry, ReadOnlySpan<float> input, Span<float> output);

    /// <summary>A state for one shape that one user runs alone, sharing the weights (null: this body has no such form).</summary>
    public virtual KernelState<TSpec>? CreateState(in ConvGeometry geometry) => null;

    public virtual void Dispose()
    {
    }
}

/// <summary>A managed computation behind a kernel: copies of the caller's weights and bias, and a function of them.</summary>
internal sealed class ManagedKernelBody<TSpec>(TSpec spec, TensorLayout layout, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias,
    string name, ManagedKernelBody<TSpec>.Computation compute) : KernelBody<TSpec> where TSpec : ConvolutionSpec
{
    /// <summary>The output of <paramref name="spec"/> in <paramref name="layout"/> for one checked call.</summary>
    public delegate void Computation(TSpec spec, TensorLayout layout, in ConvGeometry geometry, ReadOnlySpan<float> input,
        ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, Span<float> output);

    private readonly float[] _weights = weights.ToArray(); // the caller's spans are only borrowed
    private readonly float[] _bias = bias.ToArray();

    public override string ImplementationName => name;

    public override void Forward(in ConvGeometry geometry, ReadOnlySpan<float> input, Span<float> output) =>
        compute(spec, layout, geometry, input, _weights, _bias, output);
}

/// <summary>The built-in kernels: a body behind each public kernel contract.</summary>
internal static class BuiltInKernels
{
    /// <summary>A native convolution: <see cref="NativeKernelBody{TSpec}"/> over the recipe the factory makes.</summary>
    public static ConvKernel Native(Conv2dSpec spec, TensorLayout layout, System.Runtime.InteropServices.SafeHandle? sharedObject,
        ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, NativeKernelBody<Conv2dSpec>.RecipeFactory createRecipe) =>
        Convolution(spec, layout, new NativeKernelBody<Conv2dSpec>(spec, sharedObject, weights, bias, createRecipe));

    /// <summary>A native transposed convolution: <see cref="NativeKernelBody{TSpec}"/> over the recipe the factory makes.</summary>
    public static ConvTransposeKernel NativeTransposed(ConvTranspose2dSpec spec, TensorLayout layout, System.Runtime.InteropServices.SafeHandle? sharedObject,
        ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, NativeKernelBody<ConvTranspose2dSpec>.RecipeFactory createRecipe) =>
        Transposed(spec, layout, new NativeKernelBody<ConvTranspose2dSpec>(spec, sharedObject, weights, bias, createRecipe));

    public static ConvKernel Convolution(Conv2dSpec spec, TensorLayout layout, KernelBody<Conv2dSpec> body) => new Conv(spec, layout, body);

    public static ConvTransposeKernel Transposed(ConvTranspose2dSpec spec, TensorLayout layout, KernelBody<ConvTranspose2dSpec> body) =>
        new Transpose(spec, layout, body);

    private sealed class Conv(Conv2dSpec spec, TensorLayout layout, KernelBody<Conv2dSpec> body) : ConvKernel(spec, layout, body)
    {
        public override string ImplementationName => Body.ImplementationName;

        protected override void ForwardCore(in ConvGeometry geometry, ReadOnlySpan<float> input, Span<float> output) => Body.Forward(geometry, input, output);
    }

    private sealed class Transpose(ConvTranspose2dSpec spec, TensorLayout layout, KernelBody<ConvTranspose2dSpec> body) : ConvTransposeKernel(spec, layout, body)
    {
        public override string ImplementationName => Body.ImplementationName;

        protected override void ForwardCore(in ConvGeometry geometry, ReadOnlySpan<float> input, Span<float> output) => Body.Forward(geometry, input, output);
    }
}
