using NativeConv.Interop.Xnnpack;
using static NativeConv.Interop.Xnnpack.Xnn;

namespace NativeConv;

/// <summary>
/// XNNPACK: NHWC convolution operators with weights packed once. What XNNPACK lacks is bridged: NCHW
/// through transposes into preallocated buffers, HardSwish as a managed pass (<see cref="XnnpackActivations"/>).
/// One <c>xnn_initialize</c> per process, one pthreadpool per backend: calls from several threads on
/// layers of one backend take turns on that pool (pthreadpool runs one parallel job at a time), so a
/// thread group that must progress independently uses a backend of its own.
/// </summary>
public sealed class XnnpackBackend : ConvBackend
{
    public const string BackendName = "xnnpack";

    private static readonly Lock InitializeGate = new();
    private static bool _initialized;
    private readonly PthreadpoolHandle? _pool;

    /// <param name="threads">Threads of this backend's pool; 0 or less: one per processor. 1 runs on the caller's thread (no pool).</param>
    /// <param name="name">The name it is registered under.</param>
    public unsafe XnnpackBackend(int threads = 0, string name = BackendName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        XnnpackLibrary.Load();
        Name = name;
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

    public override string Name { get; }

    public override int Threads { get; }

    public override string Summary => $"XNNPACK {Version}, " + (Threads > 1 ? $"{Threads} OpenMP threads (pthreadpool API)" : "on the calling thread");

    /// <summary>The pinned XNNPACK commit the library was built from.</summary>
    public static string Version => Xnn.GeneratedFromVersion;

    /// <summary>The pool; kernels hold a reference on it, so disposing the backend never frees it under a live layer. Null: the caller's thread.</summary>
    internal PthreadpoolHandle? Pool => _pool;

    protected override BackendCapabilities DescribeCore(Conv2dSpec spec, TensorLayout layout)
    {
        var bridges = new List<string>();
        if (layout == TensorLayout.Nchw)
            bridges.Add("NCHW: input transposed to NHWC and output back, through preallocated buffers (two extra passes over the activations)");
        if (XnnpackActivations.Bridge(spec.Activation) is { } activation) bridges.Add(activation);
        if (spec.IsDepthwise && spec.ChannelMultiplier > 1)
            bridges.Add($"channel multiplier {spec.ChannelMultiplier}: runs on XNNPACK's grouped GEMM path, not its depthwise kernels");
        return new BackendCapabilities(Name, bridges);
    }

    protected override ConvKernel CreateCore(Conv2dSpec spec, TensorLayout layout, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias) =>
        BuiltInKernels.Native(spec, layout, _pool, weights, bias, (w, b) => new XnnpackConvRecipe(_pool?.Value ?? default, spec, layout, w, b));

    protected override BackendCapabilities DescribeTransposedCore(ConvTranspose2dSpec spec, TensorLayout layout)
    {
        var bridges = new List<string>();
        if (layout == TensorLayout.Nchw)
            bridges.Add("NCHW: input transposed to NHWC and output back, through preallocated buffers (two extra passes over the activations)");
        if (XnnpackActivations.Bridge(spec.Activation) is { } activation) bridges.Add(activation);
        if (TransposedLowering.Of(spec).Bridge(spec) is { } copy) bridges.Add(copy);
        if (spec.Groups > 1 && spec.InChannelsPerGroup == 1)
            bridges.Add("depthwise: XNNPACK has no depthwise deconvolution kernel; each group runs as its own small GEMM");
        return new BackendCapabilities(Name, bridges);
    }

    /// <summary>XNNPACK's deconvolution operator, in NHWC (NCHW through the same transposes as convolution).</summary>
    protected override ConvTransposeKernel CreateTransposedCore(ConvTranspose2dSpec spec, TensorLayout layout, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias) =>
        BuiltInKernels.NativeTransposed(spec, layout, _pool, weights, bias, (w, b) => new XnnpackDeconvRecipe(_pool?.Value ?? default, spec, layout, w, b));

    /// <summary>Pointwise layers only: XNNPACK's dynamically quantized convolution has no depthwise or strided path of its own.</summary>
    internal override ConvKernel CreateDynamicInt8(Conv2dSpec spec, TensorLayout layout, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        if (!spec.IsPointwise)
            throw new NotSupportedException($"dynamic int8 runs pointwise layers (1x1, stride 1, one group) only, not {spec}");
        return BuiltInKernels.Native(spec, layout, _pool, weights, bias,
            (w, b) => new XnnpackDynamicInt8Recipe(_pool?.Value ?? default, spec, layout, w, b));
    }

    internal override QuantizedKernel<T> CreateQuantized<T>(QuantizedConvWeights weights, QuantizationParameters input, QuantizationParameters output, TensorLayout layout)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        return new XnnpackQuantizedKernel<T>(_pool, weights, input, output, layout);
    }

    /// <summary>XNNPACK's uint8 operator takes uint8 weights with one scale: uint8 layers shift around the int8 one.</summary>
    internal override bool PrefersSignedInt8 => true;

    internal override bool HasWholeNetwork => true;

    internal override OpKernel? LowerOperation(GraphOp op) => op is IXnnpackOperation own ? own.LowerXnnpack(this) : null;

    internal override IWholeNetwork CreateWholeNetwork(NetworkGraph graph)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        return new XnnpackNetwork(_pool, graph);
    }

    internal override ConvBackend WithThreads(int threads) => new XnnpackBackend(threads, Name) { NonFiniteValues = NonFiniteValues };

    internal override string? CannotRun(ConvPrecision precision) => precision is ConvPrecision.Float32 or ConvPrecision.DynamicInt8 ? null : base.CannotRun(precision);

    internal override ILayoutTransform CreateLayoutTransform(int batch, int rows, int columns, int elementBytes = sizeof(float)) =>
        new XnnpackLayoutTransform(_pool, batch, rows, columns, elementBytes);

    protected override void Dispose(bool disposing)
    {
        if (disposing) _pool?.Dispose();
    }
}
