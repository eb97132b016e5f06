namespace NativeConv;

/// <summary>
/// A kernel's native state for one input shape that belongs to one user alone: a network's execution context keeps
/// one per convolution, so concurrent calls on one network never share a primitive's memory objects, scratchpad or
/// operator. Weights are shared with every other state of the kernel (the recipe reorders or packs them once). Runs
/// without the kernel's lock: the owner runs one call at a time on it.
/// </summary>
internal sealed unsafe class KernelState<TSpec>(KernelRecipe<TSpec> recipe, IShapeState state) : IDisposable where TSpec : ConvolutionSpec
{
    public string ImplementationName => state.ImplementationName;

    public void Run(float* input, float* output)
    {
        recipe.PrepareCallingThread();
        state.Execute(input, output);
    }

    public void Dispose() => state.Dispose();
}
