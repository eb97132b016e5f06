using NativeConv.Interop.OneDnn;
using static NativeConv.Interop.OneDnn.Dnnl;

namespace NativeConv;

/// <summary>
/// oneDNN: forward_inference convolutions with weights reordered once into the layout the chosen
/// implementation wants, activations fused as post-ops (<see cref="OneDnnActivations"/>), a
/// user-managed scratchpad, and the implementation's name queryable. Threads come from OpenMP
/// (oneDNN's CPU runtime here), set on the calling thread: concurrent calls from several threads each
/// start their own OpenMP team of <see cref="Threads"/>, so they oversubscribe the cores unless each
/// thread group uses a backend of its own with fewer threads.
/// </summary>
public sealed class OneDnnBackend : ConvBackend
{
    public const string BackendName = "onednn";

    private readonly OneDnnEngineHandle _engine;

    /// <param name="threads">OpenMP threads per call; 0 or less: one per processor.</param>
    /// <param name="name">The name it is registered under.</param>
    public unsafe OneDnnBackend(int threads = 0, string name = BackendName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        OneDnnLibrary.Load();
        Name = name;
        Threads = threads > 0 ? threads : Environment.ProcessorCount;
        dnnl_engine_t engine;
        ThrowIfFailed(dnnl_engine_create(&engine, dnnl_engine_kind_t.dnnl_cpu, 0), nameof(dnnl_engine_create), "CPU engine 0");
        _engine = new OneDnnEngineHandle(engine);
        dnnl_version_t* v = dnnl_version();
        Version = $"{v->major}.{v->minor}.{v->patch}";
    }

    public override string Name { get; }

    public override int Threads { get; }

    /// <summary>The loaded library's version, e.g. 3.7.2.</summary>
    public string Version { get; }

    public override string Summary => $"oneDNN {Version}, CPU ISA {CpuIsa}, {Threads} OpenMP threads; precisions: {Precisions}";

    /// <summary>The best instruction set oneDNN will use on this CPU.</summary>
    public static string CpuIsa => IsArm64 ? Arm64IsaName((uint)dnnl_get_effective_cpu_isa())
        : dnnl_get_effective_cpu_isa().ToString().Replace("dnnl_cpu_isa_", "", StringComparison.Ordinal);

    internal static bool IsArm64 => System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture == System.Runtime.InteropServices.Architecture.Arm64;

    // oneDNN for AArch64 returns its own values through dnnl_cpu_isa_t (cpu/aarch64/cpu_isa_traits.hpp), which
    // alias the x64 names of the public header: 0x27 is sve_512 there, not avx512_core.
    private static string Arm64IsaName(uint isa) => isa switch
    {
        0x1 => "asimd",
        0x3 => "sve_128",
        0x7 => "sve_256",
        0xf => "sve_384",
        0x27 => "sve_512",
        0 => "default",
        _ => $"0x{isa:x} (aarch64)",
    };

    /// <summary>The engine; kernels hold a reference on it, so disposing the backend never frees it under a live layer.</summary>
    internal OneDnnEngineHandle Engine => _engine;

    protected override BackendCapabilities DescribeCore(Conv2dSpec spec, TensorLayout layout)
    {
        var bridges = new List<string>();
        if (layout == TensorLayout.Nchw)
            bridges.Add("NCHW activations run as given: oneDNN picks an implementation for plain NCHW, usually slower than NHWC");
        // Every activation is post-ops (OneDnnActivations): nothing to add.
        return new BackendCapabilities(Name, bridges);
    }

    protected override ConvKernel CreateCore(Conv2dSpec spec, TensorLayout layout, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias) =>
        BuiltInKernels.Native(spec, layout, _engine, weights, bias, (w, b) => new OneDnnConvRecipe(_engine.Value, Threads, spec, layout, w, b));

    protected override BackendCapabilities DescribeTransposedCore(ConvTranspose2dSpec spec, TensorLayout layout)
    {
        var bridges = new List<string>();
        if (layout == TensorLayout.Nchw)
            bridges.Add("NCHW activations run as given: oneDNN picks a deconvolution for plain NCHW, usually slower than NHWC");
        if (TransposedLowering.Of(spec).Bridge(spec) is { } copy) bridges.Add(copy);
        return new BackendCapabilities(Name, bridges);
    }

    /// <summary>oneDNN's deconvolution primitive, activations fused as post-ops as for convolution.</summary>
    protected override ConvTransposeKernel CreateTransposedCore(ConvTranspose2dSpec spec, TensorLayout layout, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias) =>
        BuiltInKernels.NativeTransposed(spec, layout, _engine, weights, bias, (w, b) => new OneDnnDeconvRecipe(_engine.Value, Threads, spec, layout, w, b));

    internal override bool HasResidualSum => true;

    internal override OpKernel? LowerOperation(GraphOp op) => op is IOneDnnOperation own ? own.LowerOneDnn(this) : null;

    /// <summary>Whether this CPU runs bfloat16 natively for oneDNN (AVX512_BF16 or AMX).</summary>
    public static bool SupportsBFloat16 => !IsArm64 && ((uint)dnnl_get_effective_cpu_isa() & (uint)dnnl_cpu_isa_t.dnnl_cpu_isa_avx512_core_bf16) == (uint)dnnl_cpu_isa_t.dnnl_cpu_isa_avx512_core_bf16;

    /// <summary>Whether int8 runs on VNNI instructions here (else on AVX2 or AVX-512 kernels without them).</summary>
    public static bool HasVnni => !IsArm64 && (((uint)dnnl_get_effective_cpu_isa() & (uint)dnnl_cpu_isa_t.dnnl_cpu_isa_avx512_core_vnni) == (uint)dnnl_cpu_isa_t.dnnl_cpu_isa_avx512_core_vnni
        || ((uint)dnnl_get_effective_cpu_isa() & (uint)dnnl_cpu_isa_t.dnnl_cpu_isa_avx2_vnni) == (uint)dnnl_cpu_isa_t.dnnl_cpu_isa_avx2_vnni);

    /// <summary>The precisions this CPU runs natively here, for <c>nativeconv info</c>.</summary>
    public static string Precisions => IsArm64 ? "fp32; int8; bf16 not supported (x64 AVX512_BF16 or AMX only)"
        : "fp32; int8 " + (HasVnni ? "(VNNI)" : "(without VNNI)") + "; bf16 " + (SupportsBFloat16 ? "(AVX512_BF16)" : "not supported (no AVX512_BF16 or AMX)");

    /// <summary>
    /// 7 without VNNI: oneDNN's AVX2 and AVX-512 int8 kernels then sum two u8·s8 products in a saturating 16-bit
    /// VPMADDUBSW (s8 inputs are shifted to u8 first), exact only while |w| ≤ 63. Measured here under
    /// DNNL_MAX_CPU_ISA=AVX2: 255 of 520 conformance cases with 8-bit weights off by two steps or more.
    /// </summary>
    public override int ExactInt8WeightBits => SaturatesInt8Pairs ? 7 : 8;

    /// <summary>x64 without VNNI: int8 products summed in pairs in 16 saturating bits (AArch64's kernels widen first).</summary>
    internal static bool SaturatesInt8Pairs => !IsArm64 && !HasVnni;

    internal override ConvBackend WithThreads(int threads) => new OneDnnBackend(threads, Name) { NonFiniteValues = NonFiniteValues };

    /// <summary>
    /// Float32 without an activation: the convolution's FMAs keep NaN and ±infinity (and a residual sum adds as IEEE does);
    /// its ReLU, ReLU6, clamp and HardSigmoid post-ops drop NaN (max/min return their second operand).
    /// </summary>
    internal override bool KeepsNonFinite(Activation activation, ConvPrecision precision) =>
        precision == ConvPrecision.Float32 && activation.Kind == ActivationKind.None;

    internal override string? CannotRun(ConvPrecision precision) => precision switch
    {
        ConvPrecision.Float32 => null,
        ConvPrecision.BFloat16 => SupportsBFloat16 ? null : $"bfloat16 needs AVX512_BF16 or AMX; this CPU's best instruction set for oneDNN is {CpuIsa}",
        _ => base.CannotRun(precision),
    };

    internal override ConvKernel CreateBFloat16(Conv2dSpec spec, TensorLayout layout, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias,
        BFloat16Tensors tensors = BFloat16Tensors.None)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        if (CannotRun(ConvPrecision.BFloat16) is { } why) throw new NotSupportedException(why);
        return BuiltInKernels.Native(spec, layout, _engine, weights, bias,
            (w, b) => new OneDnnConvRecipe(_engine.Value, Threads, spec, layout, w, b, bfloat16: true, bfloat16Tensors: tensors));
    }

    internal override QuantizedKernel<T> CreateQuantized<T>(QuantizedConvWeights weights, QuantizationParameters input, QuantizationParameters output, TensorLayout layout)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        return new OneDnnQuantizedKernel<T>(_engine, Threads, weights, input, output, layout);
    }

    internal override ILayoutTransform CreateLayoutTransform(int batch, int rows, int columns, int elementBytes = sizeof(float)) =>
        new OneDnnLayoutTransform(_engine, Threads, batch, rows, columns, elementBytes);

    /// <summary>The output channels of a convolution <see cref="CreateNchwInputStem"/> makes: nChw16c is NHWC only for 16.</summary>
    internal const int NchwStemChannels = 16;

    /// <summary>
    /// A network's first convolution reading the caller's NCHW image and writing NHWC, on oneDNN's first-layer
    /// kernel, which takes plain NCHW into a blocked output: with 16 output channels (MobileNet v3's stem) the
    /// blocked output is NHWC, and the input transpose disappears; the stem itself also ran faster from NCHW than from
    /// NHWC (docs/benchmarks.md, Measured by hand: oneDNN's NCHW input stem).
    /// </summary>
    internal override ConvKernel? CreateNchwInputStem(Conv2dSpec spec, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        if (IsArm64 || spec.OutChannels != NchwStemChannels) return null;
        return BuiltInKernels.Native(spec, TensorLayout.Nchw, _engine, weights, bias,
            (w, b) => new OneDnnConvRecipe(_engine.Value, Threads, spec, TensorLayout.Nchw, w, b, nhwcOutput: true));
    }

    /// <summary>The first-layer kernel is a "jit:" one; oneDNN's generic fallbacks ("ref:any", "gemm:...") lose to the transpose.</summary>
    internal override bool IsFastNchwStem(string implementation) => implementation.StartsWith("jit:", StringComparison.Ordinal);

    internal override ConvKernel? CreateWithResidualSum(Conv2dSpec spec, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, Activation afterSum)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        return BuiltInKernels.Native(spec, TensorLayout.Nhwc, _engine, weights, bias,
            (w, b) => new OneDnnConvRecipe(_engine.Value, Threads, spec, TensorLayout.Nhwc, w, b, residualSum: true, afterSum: afterSum));
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _engine.Dispose();
    }
}
