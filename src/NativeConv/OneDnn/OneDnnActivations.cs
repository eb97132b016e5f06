using NativeConv.Interop.OneDnn;

namespace NativeConv;

/// <summary>
/// How each activation runs on oneDNN: every one is an eltwise post-op fused into the convolution.
/// The one table that creation (attributes) and <see cref="OneDnnBackend"/>'s Describe read.
/// </summary>
internal static class OneDnnActivations
{
    /// <summary>The post-op for <paramref name="activation"/>, or null for none.</summary>
    public static (dnnl_alg_kind_t Algorithm, float Alpha, float Beta)? PostOp(Activation activation) => activation.Kind switch
    {
        ActivationKind.None => null,
        ActivationKind.ReLU => (dnnl_alg_kind_t.dnnl_eltwise_relu, 0f, 0f),
        ActivationKind.ReLU6 => (dnnl_alg_kind_t.dnnl_eltwise_clip_v2, 0f, 6f),
        // oneDNN: x * max(0, min(1, alpha * x + beta)) = x * ReLU6(x + 3) / 6 with alpha = 1/6, beta = 1/2.
        ActivationKind.HardSwish => (dnnl_alg_kind_t.dnnl_eltwise_hardswish, 1f / 6f, 0.5f),
        ActivationKind.Clamp => (dnnl_alg_kind_t.dnnl_eltwise_clip_v2, activation.Min, activation.Max),
        // oneDNN: max(0, min(1, alpha * x + beta)) = ReLU6(x + 3) / 6 with alpha = 1/6, beta = 1/2.
        ActivationKind.HardSigmoid => (dnnl_alg_kind_t.dnnl_eltwise_hardsigmoid, 1f / 6f, 0.5f),
        _ => throw new InvalidOperationException($"no oneDNN lowering for activation {activation}"),
    };
}
