using NativeConv.Interop.Xnnpack;
using static NativeConv.Interop.Xnnpack.Xnn;

namespace NativeConv;

/// <summary>
/// XNNPACK: NHWC convolution operators with weights packed once at creation. What XNNPACK lacks is
/// bridged: NCHW through transposes into preallocated buffers, HardSwish as a second operator (its
/// convolutions fuse only a clamp). One <c>xnn_initialize</c> per process, one pthreadpool per backend.
/// </summary>
public sealed class XnnpackBackend : IConvBackend, IDisposable
{
    public const string BackendName = "xnnpack";

    private static readonly object InitializeGate = new();
    private static bool _initialized;
    private readonly PthreadpoolHandle? _pool;
    private bool _disposed;

    /// <param name="threads">Threads of this backend's pool; 0 or less: one per processor. 1 runs on the caller's thread.</param>
    public unsafe XnnpackBackend(int threads = 0)
    {
        NativeLibraryLoader.Load(Xnn.LibraryName);
        Threads = threads > 0 ? threads : Environment.ProcessorCount;
        lock (InitializeGate)
        {
            if (!_initialized)
            {
                ThrowIfFailed(xnn_initialize(null), nameof(xnn_initialize));
                _initialized = true;
            }
        }
        if (Threads > 1)
        {
            pthreadpool_t pool = pthreadpool_create((nuint)Threads);
            if (pool.IsNull) throw new InvalidOperationException($"pthreadpool_create({Threads}) failed");
            _pool = new PthreadpoolHandle(pool);
        }
    }

    public string Name => BackendName;

    public int Threads { get; }

    /// <summary>The pinned XNNPACK commit the library was built from.</summary>
    public static string Version => Xnn.GeneratedFromVersion;

    /// <summary>The pool calls run on (null handle: the caller's thread).</summary>
    internal pthreadpool_t Pool => _pool?.Value ?? default;

    /// <summary>Kernels hold a reference on the pool, so disposing the backend never frees it under a live layer.</summary>
    internal PthreadpoolHandle? PoolHandle => _pool;

    public BackendCapabilities Describe(Conv2dSpec spec, TensorLayout layout)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var bridges = new List<string>();
        if (layout == TensorLayout.Nchw)
            bridges.Add("NCHW: input transposed to NHWC and output back, through preallocated buffers (two extra passes over the activations)");
        if (spec.Activation.Kind == ActivationKind.HardSwish)
            bridges.Add("HardSwish: a separate XNNPACK operator over the output (one extra pass); convolutions fuse only clamps");
        if (spec.IsDepthwise && spec.ChannelMultiplier > 1)
            bridges.Add($"channel multiplier {spec.ChannelMultiplier}: runs on XNNPACK's grouped GEMM path, not its depthwise kernels");
        return new BackendCapabilities(Name, bridges);
    }

    public IConvKernel Create(Conv2dSpec spec, TensorLayout layout, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return new XnnpackConvKernel(this, spec, layout, weights, bias);
    }

    public void Dispose()
    {
        _disposed = true;
        _pool?.Dispose();
    }
}
