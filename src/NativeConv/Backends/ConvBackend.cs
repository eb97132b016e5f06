namespace NativeConv;

/// <summary>
/// A convolution engine, and the seam to plug one in. Every backend accepts every
/// <see cref="Conv2dSpec"/> and every <see cref="ConvTranspose2dSpec"/> in both layouts; what it bridges (a transpose,
/// a separate activation pass) <see cref="Describe"/> and <see cref="DescribeTransposed"/> say. The public methods check
/// every argument before the backend's own code runs, and check what that code returns: a backend implements only the
/// protected cores, which are called with consistent arguments. A backend that does not implement transposed
/// convolution (<see cref="CreateTransposedCore"/>) still runs it: on NativeConv's reference.
/// </summary>
public abstract class ConvBackend : IDisposable
{
    private volatile bool _disposed;

    /// <summary>The name it is registered under, e.g. "onednn".</summary>
    public abstract string Name { get; }

    /// <summary>Threads a call runs on (1 for backends that do not parallelize).</summary>
    public virtual int Threads => 1;

    /// <summary>One line for <c>nativeconv info</c>: version, instruction set, threads.</summary>
    public virtual string Summary => Name;

    /// <summary>
    /// What its kernels give for NaN and ±infinity inputs, for the kernels made after it is set (a registration sets it from
    /// <see cref="NativeConvOptions.NonFiniteValues"/>): PyTorch's values, repaired where the library's differ, or the library's own.
    /// </summary>
    public NonFiniteValues NonFiniteValues { get; init; }

    /// <summary>
    /// Whether its kernel for <paramref name="activation"/> in <paramref name="precision"/> gives PyTorch's values for NaN and
    /// ±infinity itself, so it needs no repair (a backend not known to does get one: <see cref="ConvRepair"/>).
    /// </summary>
    internal virtual bool KeepsNonFinite(Activation activation, ConvPrecision precision) => false;

    /// <summary>Whether <see cref="Dispose()"/> was called; kernels made before keep working.</summary>
    protected bool IsDisposed => _disposed;

    /// <summary>What running <paramref name="spec"/> in <paramref name="layout"/> involves on this backend.</summary>
    public BackendCapabilities Describe(Conv2dSpec spec, TensorLayout layout) =>
        Checked(spec, layout, DescribeCore) with { NonFinite = ConvRepair.Describe(this, spec.Activation, ConvPrecision.Float32) };

    /// <summary>
    /// Prepares a convolution once: <paramref name="weights"/> (PyTorch order <c>(out, in/groups, kh, kw)</c>)
    /// and <paramref name="bias"/> (<c>out</c> values, or none when the spec has no bias) are checked,
    /// copied, and packed or reordered by the backend. The kernel runs many times.
    /// </summary>
    public ConvKernel Create(Conv2dSpec spec, TensorLayout layout, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias) =>
        Checked(spec, layout, weights, bias, CreateCore);

    /// <summary>What running the transposed convolution <paramref name="spec"/> in <paramref name="layout"/> involves on this backend.</summary>
    public BackendCapabilities DescribeTransposed(ConvTranspose2dSpec spec, TensorLayout layout) =>
        Checked(spec, layout, DescribeTransposedCore) with { NonFinite = ConvRepair.Describe(this, spec.Activation, ConvPrecision.Float32) };

    /// <summary>
    /// Prepares a transposed convolution once: <paramref name="weights"/> (PyTorch order <c>(in, out/groups, kh, kw)</c>)
    /// and <paramref name="bias"/> (<c>out</c> values, or none when the spec has no bias) are checked, copied, and packed
    /// or reordered by the backend. The kernel runs many times.
    /// </summary>
    public ConvTransposeKernel CreateTransposed(ConvTranspose2dSpec spec, TensorLayout layout, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias) =>
        Checked(spec, layout, weights, bias, CreateTransposedCore);

    /// <summary>A protected core that makes a kernel (<see cref="CreateCore"/>, <see cref="CreateTransposedCore"/>).</summary>
    private delegate TKernel KernelCore<TSpec, TKernel>(TSpec spec, TensorLayout layout, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias);

    /// <summary>The public entries' checks around a describing core.</summary>
    private static BackendCapabilities Checked<TSpec>(TSpec spec, TensorLayout layout, Func<TSpec, TensorLayout, BackendCapabilities> core)
        where TSpec : ConvolutionSpec
    {
        ArgumentNullException.ThrowIfNull(spec);
        ConvArguments.CheckLayout(layout);
        return core(spec, layout);
    }

    /// <summary>The public entries' checks around a creating core: every argument before it runs, and the kernel it returns.</summary>
    private TKernel Checked<TSpec, TKernel>(TSpec spec, TensorLayout layout, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias,
        KernelCore<TSpec, TKernel> core) where TSpec : ConvolutionSpec where TKernel : ConvKernel<TSpec>
    {
        ArgumentNullException.ThrowIfNull(spec);
        ConvArguments.CheckLayout(layout);
        ConvArguments.CheckParameters(spec, weights, bias);
        ObjectDisposedException.ThrowIf(_disposed, this);
        TKernel kernel = core(spec, layout, weights, bias)
            ?? throw new InvalidOperationException($"backend '{Name}' returned no kernel for {spec} {layout}");
        kernel.ClaimFor(this, spec, layout, weights);
        return kernel;
    }

    /// <summary>(N, A, B) → (N, B, A) of 4- or 1-byte elements on this backend's own threads, or null (a managed transpose is used).</summary>
    internal virtual ILayoutTransform? CreateLayoutTransform(int batch, int rows, int columns, int elementBytes = sizeof(float)) => null;

    internal virtual bool HasResidualSum => false;

    /// <summary>
    /// A network's first convolution that reads NCHW and writes NHWC in one pass (arguments checked by the caller), where the
    /// backend has one that can beat a transpose followed by the NHWC convolution; null otherwise. Its kernel says NCHW, the
    /// input's layout; <see cref="ConvKernel{TSpec}.Prepare"/> names what would run for a shape (a generic fallback may be slow).
    /// </summary>
    internal virtual ConvKernel? CreateNchwInputStem(Conv2dSpec spec, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias) => null;

    /// <summary>
    /// Whether <paramref name="implementation"/>, what a <see cref="CreateNchwInputStem"/> kernel named for a shape, is the
    /// specialized kernel that beats the transpose and the NHWC convolution (a generic fallback does not).
    /// </summary>
    internal virtual bool IsFastNchwStem(string implementation) => false;

    /// <summary>
    /// A float kernel computing in bfloat16 (arguments checked by the caller), or null when the backend has none;
    /// <paramref name="tensors"/> says which of its tensors are bfloat16 in memory (within a network).
    /// </summary>
    internal virtual ConvKernel? CreateBFloat16(Conv2dSpec spec, TensorLayout layout, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias,
        BFloat16Tensors tensors = BFloat16Tensors.None) => null;

    /// <summary>
    /// A float kernel that quantizes its input per call and multiplies in int8 (<see cref="ConvPrecision.DynamicInt8"/>;
    /// arguments checked by the caller), or null when the backend has none.
    /// </summary>
    internal virtual ConvKernel? CreateDynamicInt8(Conv2dSpec spec, TensorLayout layout, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias) => null;

    /// <summary>An int8/uint8 convolution kernel (arguments checked by the caller), or null when the backend has none.</summary>
    internal virtual QuantizedKernel<T>? CreateQuantized<T>(QuantizedConvWeights weights, QuantizationParameters input, QuantizationParameters output,
        TensorLayout layout) where T : unmanaged, System.Numerics.IBinaryInteger<T>, System.Numerics.IMinMaxValue<T> => null;

    /// <summary>
    /// The widest int8 weights this backend multiplies exactly on this CPU: 8, or 7 where its int8 kernels add
    /// pairs of u8·s8 products in 16 bits, which saturates for weights beyond ±63 (oneDNN without VNNI; see
    /// oneDNN's "Nuances of int8 computations"). A quantized layer with wider weights is refused there.
    /// </summary>
    public virtual int ExactInt8WeightBits => 8;

    /// <summary>
    /// A new instance of the same library on <paramref name="threads"/> threads, under the same name (a network's
    /// <see cref="NetworkOptions.Threads"/>, or each thread's copy when a batch's images are shared between threads);
    /// null when the backend has no thread count to set. The caller owns it.
    /// </summary>
    internal virtual ConvBackend? WithThreads(int threads) => null;

    /// <summary>
    /// This library's own kernel for a graph operation that is not a convolution (its primitive, where it has one and it
    /// measured faster than the managed pass), or null: the operation runs its managed kernel.
    /// </summary>
    internal virtual OpKernel? LowerOperation(GraphOp op) => null;

    /// <summary>Null when a network's convolutions can run in <paramref name="precision"/> here (every backend runs float32); otherwise why not.</summary>
    internal virtual string? CannotRun(ConvPrecision precision) => precision == ConvPrecision.Float32 ? null : $"backend '{Name}' has no {precision} convolutions";

    /// <summary>
    /// Its uint8 convolutions run as int8 ones shifted by 128 on the way in and out, so a uint8 network does
    /// better to shift once at its edges and run int8 inside.
    /// </summary>
    internal virtual bool PrefersSignedInt8 => false;

    /// <summary>
    /// A fused form for networks, where the backend has one: an NHWC kernel that adds what its output
    /// buffer holds before the call to the (activated) convolution, i.e. a residual connection in the same
    /// pass (oneDNN's sum post-op), then <paramref name="afterSum"/> (ResNet's ReLU after the add). Null when
    /// the backend has none. Arguments are checked by the caller.
    /// </summary>
    internal virtual ConvKernel? CreateWithResidualSum(Conv2dSpec spec, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, Activation afterSum) => null;

    /// <summary>
    /// The whole network as one native object of this backend (XNNPACK's subgraph runtime), or null when the
    /// backend runs networks operation by operation only. Float32; the graph unfused.
    /// </summary>
    internal virtual IWholeNetwork? CreateWholeNetwork(NetworkGraph graph) => null;

    /// <summary>Whether <see cref="CreateWholeNetwork"/> makes one (a saved plan that runs a network whole is refused otherwise).</summary>
    internal virtual bool HasWholeNetwork => false;

    /// <summary>Describes a checked spec and layout.</summary>
    protected abstract BackendCapabilities DescribeCore(Conv2dSpec spec, TensorLayout layout);

    /// <summary>
    /// Makes a new kernel for <paramref name="spec"/> and <paramref name="layout"/> (the spans have exactly
    /// the spec's weight and bias counts; copy them, they are the caller's). The kernel must be new:
    /// a kernel handed out before, or one made for another spec or layout, is refused.
    /// </summary>
    protected abstract ConvKernel CreateCore(Conv2dSpec spec, TensorLayout layout, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias);

    /// <summary>
    /// Describes a checked transposed convolution. By default: the reference fallback of <see cref="CreateTransposedCore"/>,
    /// which a backend that overrides that overrides too.
    /// </summary>
    protected virtual BackendCapabilities DescribeTransposedCore(ConvTranspose2dSpec spec, TensorLayout layout) =>
        new(Name, ["no transposed convolution of its own: runs on NativeConv's reference (plain C# loops, double accumulation; far slower than a native library)"]);

    /// <summary>
    /// Makes a new transposed-convolution kernel (the spans have exactly the spec's weight and bias counts; copy them). By
    /// default the reference implementation, so a backend written before transposed convolution existed, or one that
    /// has none, still gives correct results; a backend with its own overrides this and <see cref="DescribeTransposedCore"/>.
    /// </summary>
    protected virtual ConvTransposeKernel CreateTransposedCore(ConvTranspose2dSpec spec, TensorLayout layout, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias) =>
        BuiltInKernels.Transposed(spec, layout,
            new ManagedKernelBody<ConvTranspose2dSpec>(spec, layout, weights, bias, ReferenceBackend.BackendName, ReferenceConvTranspose.Compute));

    public void Dispose()
    {
        _disposed = true;
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the backend's own resources; kernels hold references on what they still need.</summary>
    protected virtual void Dispose(bool disposing)
    {
    }

    public override string ToString() => Name;
}
