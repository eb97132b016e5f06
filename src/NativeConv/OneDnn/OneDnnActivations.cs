using NativeConv.Interop.OneDnn;
using static NativeConv.Interop.OneDnn.Dnnl;

namespace NativeConv;

/// <summary>
/// How each activation runs on oneDNN: every one is eltwise post-ops fused into the convolution (after the residual sum
/// too), or the same algorithms as eltwise primitives for a standalone activation. The one table that creation
/// (attributes, primitives) and <see cref="OneDnnBackend"/>'s Describe read.
/// </summary>
internal static class OneDnnActivations
{
    /// <summary>The eltwise algorithms for <paramref name="activation"/>, applied in order (none: empty).</summary>
    public static (dnnl_alg_kind_t Algorithm, float Alpha, float Beta)[] PostOps(Activation activation) => activation.Kind switch
    {
        ActivationKind.None => [],
        ActivationKind.ReLU => [(dnnl_alg_kind_t.dnnl_eltwise_relu, 0f, 0f)],
        ActivationKind.ReLU6 => [(dnnl_alg_kind_t.dnnl_eltwise_clip_v2, 0f, 6f)],
        // oneDNN: x * max(0, min(1, alpha * x + beta)) = x * ReLU6(x + 3) / 6 with alpha = 1/6, beta = 1/2.
        ActivationKind.HardSwish => [(dnnl_alg_kind_t.dnnl_eltwise_hardswish, 1f / 6f, 0.5f)],
        ActivationKind.Clamp => [(dnnl_alg_kind_t.dnnl_eltwise_clip_v2, activation.Min, activation.Max)],
        // oneDNN: max(0, min(1, alpha * x + beta)) = ReLU6(x + 3) / 6 with alpha = 1/6, beta = 1/2.
        ActivationKind.HardSigmoid => [(dnnl_alg_kind_t.dnnl_eltwise_hardsigmoid, 1f / 6f, 0.5f)],
        ActivationKind.Sigmoid => [(dnnl_alg_kind_t.dnnl_eltwise_logistic, 0f, 0f)],
        // oneDNN: x * logistic(alpha * x).
        ActivationKind.SiLU => [(dnnl_alg_kind_t.dnnl_eltwise_swish, 1f, 0f)],
        ActivationKind.GELU => GeluMapsInfinityToNaN ? [(dnnl_alg_kind_t.dnnl_eltwise_clip_v2, float.NegativeInfinity, float.MaxValue), Gelu] : [Gelu],
        ActivationKind.Tanh => [(dnnl_alg_kind_t.dnnl_eltwise_tanh, 0f, 0f)],
        _ => throw new InvalidOperationException($"no oneDNN lowering for activation {activation}"),
    };

    /// <summary>Appends <paramref name="activation"/>'s post-ops to <paramref name="ops"/>.</summary>
    public static void Append(dnnl_post_ops_t ops, Activation activation)
    {
        foreach (var (algorithm, alpha, beta) in PostOps(activation))
            ThrowIfFailed(dnnl_post_ops_append_eltwise(ops, algorithm, alpha, beta), nameof(dnnl_post_ops_append_eltwise), activation.ToString());
    }

    /// <summary>
    /// Whether a standalone activation of <paramref name="kind"/> over <paramref name="length"/> values runs as oneDNN
    /// eltwise primitives rather than the managed pass: where they measured faster on 2 threads
    /// (tests/NativeConv.Benchmarks, --activations). A primitive costs about 0.8–1.9 µs a call whatever the length; the
    /// managed pass, on one thread, costs that much at the lengths given here.
    /// </summary>
    public static bool OnOneDnn(ActivationKind kind, int length) => length >= kind switch
    {
        ActivationKind.Sigmoid or ActivationKind.SiLU => 4096,
        ActivationKind.GELU or ActivationKind.Tanh => 16384,
        ActivationKind.HardSwish => 32768,
        _ => 65536, // ReLU, ReLU6, clamps, HardSigmoid
    };

    /// <summary>The pass of <paramref name="activation"/> over <paramref name="length"/> values, as eltwise primitives or managed (<see cref="OnOneDnn"/>).</summary>
    public static IActivationPass Pass(OneDnnBackend backend, Activation activation, int length) => OnOneDnn(activation.Kind, length)
        ? new OneDnnEltwisePass(backend.Engine, backend.Threads, activation, length) : new ManagedActivationPass(activation, length);

    private static (dnnl_alg_kind_t, float, float) Gelu => (dnnl_alg_kind_t.dnnl_eltwise_gelu_erf, 0f, 0f);

    /// <summary>
    /// oneDNN 3.7.2's AVX-512 gelu_erf (a table of polynomials in |x|) gives NaN for +∞, where PyTorch gives +∞: the
    /// polynomial past its last interval is 1 + 0·x. Clipping +∞ to the largest float first gives +∞ there, since that
    /// kernel computes x · 2 · 0.5 (and no finite value changes). The AVX2 kernel (Abramowitz and Stegun's erf) gives +∞
    /// unclipped, and would give the largest float clipped: only the AVX-512 kernel is clipped.
    /// </summary>
    private static bool GeluMapsInfinityToNaN => !OneDnnBackend.IsArm64 &&
        ((uint)dnnl_get_effective_cpu_isa() & (uint)dnnl_cpu_isa_t.dnnl_cpu_isa_avx512_core) == (uint)dnnl_cpu_isa_t.dnnl_cpu_isa_avx512_core;
}
