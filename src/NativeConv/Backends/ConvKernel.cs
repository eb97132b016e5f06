namespace NativeConv;

/// <summary>
/// A prepared operation of a <typeparamref name="TSpec"/> (a convolution, a transposed convolution), made by its
/// backend's checked entry (<see cref="ConvBackend.Create"/>, <see cref="ConvBackend.CreateTransposed"/>).
/// <see cref="Forward(in ConvGeometry, ReadOnlySpan{float}, Span{float})"/> checks the geometry against the spec and
/// the spans against the geometry (a few integer compares, no allocation), then runs the backend's
/// <see cref="ForwardCore"/> under the kernel's lock: calls on one kernel take turns (native operators are not
/// re-entrant, and kernels keep per-shape buffers). Dispose waits for a running call; later calls throw
/// <see cref="ObjectDisposedException"/>.
/// </summary>
public abstract class ConvKernel<TSpec> : IDisposable where TSpec : ConvolutionSpec
{
    private readonly Lock _gate = new();
    private readonly KernelBody<TSpec>? _body;
    private ConvBackend? _owner;
    private bool _disposed;
    private ConvRepair? _repair; // null: the library's values for NaN and ±infinity are kept as they are
    private RepairScratch? _scratch; // the repair's, made on the first non-finite input

    /// <param name="body">A built-in backend's body, which the kernel runs, prepares with and disposes of (null: a backend's own kernel).</param>
    private protected ConvKernel(TSpec spec, TensorLayout layout, KernelBody<TSpec>? body = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ConvArguments.CheckLayout(layout);
        Spec = spec;
        Layout = layout;
        _body = body;
    }

    public TSpec Spec { get; }

    public TensorLayout Layout { get; }

    /// <summary>What ran for the most recent shape: the native implementation's name, or the backend's.</summary>
    public abstract string ImplementationName { get; }

    /// <summary>Output size and resolved padding for an input size.</summary>
    public ConvGeometry Geometry(int batch, int height, int width) => Spec.Geometry(batch, height, width);

    /// <summary>Runs on an input of (batch, <see cref="ConvolutionSpec.InChannels"/>, height, width) in <see cref="Layout"/>.</summary>
    public void Forward(ReadOnlySpan<float> input, Span<float> output, int batch, int height, int width) =>
        Forward(Spec.Geometry(batch, height, width), input, output);

    /// <summary>
    /// Runs for <paramref name="geometry"/>, which must be what <see cref="Geometry"/> gives for its input size;
    /// the spans must have exactly its lengths and must not overlap.
    /// </summary>
    public void Forward(in ConvGeometry geometry, ReadOnlySpan<float> input, Span<float> output)
    {
        ConvArguments.CheckGeometry(Spec, geometry);
        ConvArguments.CheckBuffers(input, output, geometry, Layout);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_repair is null) ForwardCore(geometry, input, output);
            else RepairedForward(geometry, input, output);
        }
    }

    /// <summary>The library's call between the repair's scan and its overwrite (<see cref="ConvRepair"/>).</summary>
    private unsafe void RepairedForward(in ConvGeometry geometry, ReadOnlySpan<float> input, Span<float> output)
    {
        fixed (float* x = input)
        fixed (float* y = output)
        {
            bool repair = _repair!.Prepare(geometry, x, null, ref _scratch);
            ForwardCore(geometry, input, output);
            if (repair) _repair.Apply(y, _scratch!, residual: false);
        }
    }

    /// <summary>The library's call alone, under the lock: a network step that repairs itself (<see cref="ConvRepair"/>).</summary>
    internal void ForwardUnrepaired(in ConvGeometry geometry, ReadOnlySpan<float> input, Span<float> output)
    {
        ConvArguments.CheckGeometry(Spec, geometry);
        ConvArguments.CheckBuffers(input, output, geometry, Layout);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            ForwardCore(geometry, input, output);
        }
    }

    /// <summary>The repair its calls need for NaN and ±infinity (null: none), which network steps share.</summary>
    internal ConvRepair? Repair => _repair;

    /// <summary>Sets the repair once, when the kernel is made (<see cref="ConvRepair.For"/>); returns the kernel.</summary>
    internal ConvKernel<TSpec> Repairing(ConvRepair? repair)
    {
        _repair = repair;
        return this;
    }

    /// <summary>Makes what the kernel keeps for <paramref name="geometry"/> without running, and names the implementation chosen (null: not known before a call).</summary>
    /// <summary>
    /// A native state for <paramref name="geometry"/> that its caller runs alone, without this kernel's lock, sharing the
    /// weights (null: this kernel has no such form, e.g. a plugged-in backend's: its callers go through <see cref="Forward(in ConvGeometry, ReadOnlySpan{float}, Span{float})"/>).
    /// The state must be disposed before the kernel.
    /// </summary>
    internal KernelState<TSpec>? CreateState(in ConvGeometry geometry)
    {
        ConvArguments.CheckGeometry(Spec, geometry);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _body?.CreateState(geometry);
        }
    }

    internal string? Prepare(in ConvGeometry geometry)
    {
        ConvArguments.CheckGeometry(Spec, geometry);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return PrepareCore(geometry);
        }
    }

    /// <summary>What <see cref="Prepare"/> does, under the lock (by default the body's preparation, or nothing).</summary>
    private protected virtual string? PrepareCore(in ConvGeometry geometry) => _body?.Prepare(geometry);

    /// <summary>The body the kernel was made with.</summary>
    private protected KernelBody<TSpec> Body => _body ?? throw new InvalidOperationException($"{GetType().Name} has no body");

    /// <summary>
    /// The backend's computation, called under the kernel's lock with a geometry that is the spec's for
    /// its input size and spans of exactly its lengths that do not overlap.
    /// </summary>
    protected abstract void ForwardCore(in ConvGeometry geometry, ReadOnlySpan<float> input, Span<float> output);

    /// <summary>Hands a new kernel to the caller of <paramref name="backend"/>'s checked entry, once.</summary>
    internal void ClaimFor(ConvBackend backend, TSpec spec, TensorLayout layout, ReadOnlySpan<float> weights)
    {
        lock (_gate)
        {
            if (_owner is not null || _disposed)
                throw new InvalidOperationException($"backend '{backend.Name}' returned a kernel it had handed out before (or disposed): each Create must make a new kernel");
            if (Spec.Equals(spec) && Layout == layout) // value equality: TSpec is a record
            {
                _owner = backend;
                _repair ??= ConvRepair.For(backend, spec, ConvPrecision.Float32, weights, layout, layout);
                return;
            }
        }
        Dispose(); // nobody else holds it: the caller gets an exception, not the kernel
        throw new InvalidOperationException($"backend '{backend.Name}' was asked for {spec} {layout} and returned a kernel for {Spec} {Layout}");
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            Dispose(disposing: true);
            _body?.Dispose();
        }
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the kernel's resources; called once, under the lock, never during a call.</summary>
    protected virtual void Dispose(bool disposing)
    {
    }
}

/// <summary>
/// A prepared convolution, made by <see cref="ConvBackend.Create"/>: the contract of <see cref="ConvKernel{TSpec}"/>
/// for a <see cref="Conv2dSpec"/>. A backend's own kernels derive from it.
/// </summary>
public abstract class ConvKernel : ConvKernel<Conv2dSpec>
{
    protected ConvKernel(Conv2dSpec spec, TensorLayout layout) : base(spec, layout)
    {
    }

    private protected ConvKernel(Conv2dSpec spec, TensorLayout layout, KernelBody<Conv2dSpec> body) : base(spec, layout, body)
    {
    }
}

/// <summary>
/// A prepared transposed convolution, made by <see cref="ConvBackend.CreateTransposed"/>: the contract of
/// <see cref="ConvKernel{TSpec}"/> for a <see cref="ConvTranspose2dSpec"/>. A backend's own kernels derive from it.
/// </summary>
public abstract class ConvTransposeKernel : ConvKernel<ConvTranspose2dSpec>
{
    protected ConvTransposeKernel(ConvTranspose2dSpec spec, TensorLayout layout) : base(spec, layout)
    {
    }

    private protected ConvTransposeKernel(ConvTranspose2dSpec spec, TensorLayout layout, KernelBody<ConvTranspose2dSpec> body)
        : base(spec, layout, body)
    {
    }
}
