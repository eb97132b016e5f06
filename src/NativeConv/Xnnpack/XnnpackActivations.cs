namespace NativeConv;

/// <summary>
/// How each activation runs on XNNPACK: its convolutions fuse only a clamp (output min/max), so
/// ReLU, ReLU6 and clamps are fused, and HardSwish and HardSigmoid run as a vectorized managed pass
/// over the output (<see cref="ActivationPass"/>). The one table that creation, Describe and execution read.
/// </summary>
internal static class XnnpackActivations
{
    /// <summary>The clamp fused into the convolution, and the activation left for a managed pass (None when fused).</summary>
    public static (float Min, float Max, ActivationKind Pass) Lower(Activation activation) => activation.Kind switch
    {
        ActivationKind.None => (float.NegativeInfinity, float.PositiveInfinity, ActivationKind.None),
        ActivationKind.ReLU or ActivationKind.ReLU6 or ActivationKind.Clamp => (activation.Min, activation.Max, ActivationKind.None),
        ActivationKind.HardSwish or ActivationKind.HardSigmoid => (float.NegativeInfinity, float.PositiveInfinity, activation.Kind),
        _ => throw new InvalidOperationException($"no XNNPACK lowering for activation {activation}"),
    };

    /// <summary>The bridge Describe reports, or null when the activation is fused.</summary>
    public static string? Bridge(Activation activation) => Lower(activation).Pass is var pass && pass != ActivationKind.None
        ? $"{pass}: a vectorized managed pass over the output (one extra pass); XNNPACK's convolutions fuse only clamps"
        : null;
}
