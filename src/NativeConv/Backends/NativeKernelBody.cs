using System.Runtime.InteropServices;

namespace NativeConv;

/// <summary>
/// The body every native float kernel shares, convolution or transposed: it takes the reference on the backend's
/// shared native object (released in Dispose, or by finalization if the layer is dropped), builds the recipe once,
/// keeps a state per input shape, and pins the caller's buffers for the native call. The path goes one way:
/// kernel → recipe → per-shape state → generated import.
/// </summary>
internal sealed class NativeKernelBody<TSpec> : KernelBody<TSpec> where TSpec : ConvolutionSpec
{
    private readonly HandleLease? _lease;
    private readonly KernelRecipe<TSpec> _recipe;
    private readonly ShapeCache<IShapeState> _shapes;

    /// <summary>Makes the recipe from the caller's weights and bias, once the reference is held.</summary>
    public delegate KernelRecipe<TSpec> RecipeFactory(ReadOnlySpan<float> weights, ReadOnlySpan<float> bias);

    /// <param name="sharedObject">The backend's engine or pool, referenced for the kernel's life (null: none).</param>
    public NativeKernelBody(TSpec spec, SafeHandle? sharedObject, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, RecipeFactory createRecipe)
    {
        _lease = sharedObject is null ? null : new HandleLease(sharedObject);
        try
        {
            _recipe = createRecipe(weights, bias);
        }
        catch
        {
            _lease?.Dispose();
            throw;
        }
        _shapes = new ShapeCache<IShapeState>((n, h, w) => _recipe.CreateState(spec.Geometry(n, h, w)));
    }

    public override string ImplementationName => _shapes.Last?.ImplementationName ?? "(not run yet)";

    public override string Prepare(in ConvGeometry geometry)
    {
        _recipe.PrepareCallingThread();
        return _shapes.Get(geometry.Batch, geometry.InHeight, geometry.InWidth).ImplementationName;
    }

    public override unsafe void Forward(in ConvGeometry geometry, ReadOnlySpan<float> input, Span<float> output)
    {
        _recipe.PrepareCallingThread();
        IShapeState state = _shapes.Get(geometry.Batch, geometry.InHeight, geometry.InWidth);
        fixed (float* x = input)
        fixed (float* y = output)
        {
            state.Execute(x, y);
        }
    }

    public override KernelState<TSpec> CreateState(in ConvGeometry geometry)
    {
        _recipe.PrepareCallingThread(); // oneDNN fixes a primitive's threads when it is made
        return new KernelState<TSpec>(_recipe, _recipe.CreateState(geometry));
    }

    public override void Dispose()
    {
        _shapes.Dispose();
        _recipe.Dispose();
        _lease?.Dispose(); // last: states and recipe were made from what it keeps alive
    }
}
