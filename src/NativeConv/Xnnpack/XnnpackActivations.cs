using NativeConv.Interop.Xnnpack;

namespace NativeConv;

/// <summary>
/// How each activation runs on XNNPACK: its convolutions (and adds) fuse only a clamp (output min/max), so ReLU, ReLU6
/// and clamps are fused, and every other activation is a pass over the output, on XNNPACK's own operator or managed,
/// whichever measured faster for its size (<see cref="OnXnnpack"/>). The one table that creation, Describe and execution
/// read, for the pass after a convolution and for a standalone activation alike.
/// </summary>
internal static class XnnpackActivations
{
    /// <summary>The clamp fused into the convolution, and the activation left for a pass (None when fused).</summary>
    public static (float Min, float Max, ActivationKind Pass) Lower(Activation activation) => activation.Kind switch
    {
        ActivationKind.None => (float.NegativeInfinity, float.PositiveInfinity, ActivationKind.None),
        ActivationKind.ReLU or ActivationKind.ReLU6 or ActivationKind.Clamp => (activation.Min, activation.Max, ActivationKind.None),
        ActivationKind.HardSwish or ActivationKind.HardSigmoid or ActivationKind.Sigmoid or ActivationKind.SiLU or ActivationKind.GELU or ActivationKind.Tanh
            => (float.NegativeInfinity, float.PositiveInfinity, activation.Kind),
        _ => throw new InvalidOperationException($"no XNNPACK lowering for activation {activation}"),
    };

    /// <summary>
    /// Whether a pass of <paramref name="kind"/> over <paramref name="length"/> values runs on XNNPACK's operators rather
    /// than the managed pass: where they measured faster on 2 threads (tests/NativeConv.Benchmarks, --activations).
    /// XNNPACK runs up to one 4096-byte tile (1024 floats) on the calling thread; above that its pool costs about 1.3 µs a
    /// call, and the managed pass wins until the length given here. XNNPACK has no HardSigmoid operator. Sigmoid and
    /// SiLU never run on XNNPACK's sigmoid operator in a pass, whatever it measured: over every float input
    /// (tests/NativeConv.Benchmarks, --activation-errors) 4ea82e5's AVX-512 sigmoid gives NaN for most finite |x| from
    /// 4.29·10²⁶ up (PyTorch: 0 or 1), which would take an extra clamp pass to avoid; its subgraph node gets that clamp
    /// (<see cref="SigmoidLimit"/>). HardSwish stays managed: XNNPACK's operator was not faster beyond the timings' noise,
    /// and the MobileNet v3s keep the outputs they had before these activations were added, bit for bit.
    /// </summary>
    public static bool OnXnnpack(ActivationKind kind, int length) => kind switch
    {
        ActivationKind.GELU => length <= 1024 || length >= 8192,
        ActivationKind.Tanh => length <= 1024 || length >= 16384,
        ActivationKind.ReLU or ActivationKind.ReLU6 or ActivationKind.Clamp => length >= 65536,
        _ => false,
    };

    /// <summary>
    /// What a sigmoid node's input is clamped to in XNNPACK's subgraph runtime: 2⁶⁴, far below the 4.29·10²⁶ from which its
    /// sigmoid gives NaN and far above where float's sigmoid is 0 or 1. Every input within it was measured
    /// (<see cref="ActivationErrors"/>); beyond it sigmoid is 1 or exactly 0 there too, so SiLU, x·sigmoid, keeps x or −0.
    /// </summary>
    public const float SigmoidLimit = 18446744073709551616f;

    /// <summary>The pass of <paramref name="activation"/> over <paramref name="length"/> values, on XNNPACK's operators or managed (<see cref="OnXnnpack"/>).</summary>
    public static IActivationPass Pass(Activation activation, int length, pthreadpool_t pool) =>
        OnXnnpack(activation.Kind, length) ? new XnnpackActivationPass(activation, length, pool) : new ManagedActivationPass(activation, length);

    /// <summary>The pass after a convolution of <paramref name="length"/> outputs, or null when the activation is fused or none.</summary>
    public static IActivationPass? AfterConvolution(Activation activation, int length, pthreadpool_t pool) =>
        Lower(activation).Pass != ActivationKind.None ? Pass(activation, length, pool) : null;

    /// <summary>The bridge Describe reports, or null when the activation is fused.</summary>
    public static string? Bridge(Activation activation) => Lower(activation).Pass is var pass && pass != ActivationKind.None
        ? $"{pass}: a pass over the output (XNNPACK's convolutions fuse only clamps), on XNNPACK's own "
            + (pass == ActivationKind.SiLU ? "sigmoid and multiply operators" : "operator") + " where it measured faster for the output's size, else vectorized managed code"
        : null;
}
