using System.Runtime.InteropServices;

namespace NativeConv;

/// <summary>
/// The kernel skeleton both native backends share: it takes the reference on the backend's shared
/// native object (released in Dispose, or by finalization if the layer is dropped), builds the plan
/// once, keeps a state per input shape, and pins the caller's buffers for the native call. The path
/// goes one way: kernel → plan → per-shape state → generated import.
/// </summary>
internal sealed class NativeConvKernel : ConvKernel
{
    private readonly HandleLease? _lease;
    private readonly ConvPlan _plan;
    private readonly ShapeCache<IShapeState> _shapes;

    /// <summary>Makes the plan from the caller's weights and bias, once the reference is held.</summary>
    public delegate ConvPlan PlanFactory(ReadOnlySpan<float> weights, ReadOnlySpan<float> bias);

    /// <param name="sharedObject">The backend's engine or pool, referenced for the kernel's life (null: none).</param>
    public NativeConvKernel(Conv2dSpec spec, TensorLayout layout, SafeHandle? sharedObject,
        ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, PlanFactory createPlan)
        : base(spec, layout)
    {
        _lease = sharedObject is null ? null : new HandleLease(sharedObject);
        try
        {
            _plan = createPlan(weights, bias);
        }
        catch
        {
            _lease?.Dispose();
            throw;
        }
        _shapes = new ShapeCache<IShapeState>((n, h, w) => _plan.CreateState(spec.Geometry(n, h, w)));
    }

    public override string ImplementationName => _shapes.Last?.ImplementationName ?? "(not run yet)";

    private protected override string? PrepareCore(in ConvGeometry geometry)
    {
        _plan.PrepareCallingThread();
        return _shapes.Get(geometry.Batch, geometry.InHeight, geometry.InWidth).ImplementationName;
    }

    protected override unsafe void ForwardCore(in ConvGeometry geometry, ReadOnlySpan<float> input, Span<float> output)
    {
        _plan.PrepareCallingThread();
        IShapeState state = _shapes.Get(geometry.Batch, geometry.InHeight, geometry.InWidth);
        fixed (float* x = input)
        fixed (float* y = output)
        {
            state.Execute(x, y);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (!disposing) return;
        _shapes.Dispose();
        _plan.Dispose();
        _lease?.Dispose(); // last: states and plan were made from what it keeps alive
    }
}
