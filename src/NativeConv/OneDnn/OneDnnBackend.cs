using NativeConv.Interop.OneDnn;
using static NativeConv.Interop.OneDnn.Dnnl;

namespace NativeConv;

/// <summary>
/// oneDNN: forward_inference convolutions with weights reordered once into the layout the chosen
/// implementation wants, activations fused as post-ops, a user-managed scratchpad, and the
/// implementation's name queryable. Threads come from OpenMP (oneDNN's CPU runtime here).
/// </summary>
public sealed class OneDnnBackend : IConvBackend, IDisposable
{
    public const string BackendName = "onednn";

    private readonly OneDnnEngineHandle _engine;

    /// <param name="threads">OpenMP threads per call; 0 or less: one per processor.</param>
    public unsafe OneDnnBackend(int threads = 0)
    {
        // OpenMP first: a libgomp shipped beside libnativeconv_dnnl then satisfies its dependency.
        NativeLibraryLoader.Load(Omp.LibraryName);
        NativeLibraryLoader.Load(Dnnl.LibraryName);
        Threads = threads > 0 ? threads : Environment.ProcessorCount;
        dnnl_engine_t engine;
        ThrowIfFailed(dnnl_engine_create(&engine, dnnl_engine_kind_t.dnnl_cpu, 0), nameof(dnnl_engine_create), "CPU engine 0");
        _engine = new OneDnnEngineHandle(engine);
        dnnl_version_t* v = dnnl_version();
        Version = $"{v->major}.{v->minor}.{v->patch}";
    }

    public string Name => BackendName;

    public int Threads { get; }

    /// <summary>The loaded library's version, e.g. 3.7.2.</summary>
    public string Version { get; }

    /// <summary>The best instruction set oneDNN will use on this CPU.</summary>
    public string CpuIsa => Dnnl.dnnl_get_effective_cpu_isa().ToString().Replace("dnnl_cpu_isa_", "", StringComparison.Ordinal);

    internal dnnl_engine_t Engine => _engine.Value;

    /// <summary>Kernels hold a reference on the engine, so disposing the backend never frees it under a live layer.</summary>
    internal OneDnnEngineHandle EngineHandle => _engine;

    public BackendCapabilities Describe(Conv2dSpec spec, TensorLayout layout)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var bridges = new List<string>();
        if (layout == TensorLayout.Nchw)
            bridges.Add("NCHW activations run as given: oneDNN picks an implementation for plain NCHW, usually slower than NHWC");
        return new BackendCapabilities(Name, bridges);
    }

    public IConvKernel Create(Conv2dSpec spec, TensorLayout layout, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias)
    {
        ObjectDisposedException.ThrowIf(_engine.IsClosed, this);
        return new OneDnnConvKernel(this, spec, layout, weights, bias);
    }

    public void Dispose() => _engine.Dispose();
}
