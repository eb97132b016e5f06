namespace NativeConv;

/// <summary>
/// How each activation runs on XNNPACK: its convolutions fuse only a clamp (output min/max), so
/// ReLU, ReLU6 and clamps are fused and HardSwish runs as a vectorized managed pass over the output
/// (<see cref="HardSwishPass"/>). The one table that creation, Describe and execution read.
/// </summary>
internal static class XnnpackActivations
{
    /// <summary>The clamp fused into the convolution, and whether a HardSwish pass follows it.</summary>
    public static (float Min, float Max, bool HardSwishPass) Lower(Activation activation) => activation.Kind switch
    {
        ActivationKind.None => (float.NegativeInfinity, float.PositiveInfinity, false),
        ActivationKind.ReLU or ActivationKind.ReLU6 or ActivationKind.Clamp => (activation.Min, activation.Max, false),
        ActivationKind.HardSwish => (float.NegativeInfinity, float.PositiveInfinity, true),
        _ => throw new InvalidOperationException($"no XNNPACK lowering for activation {activation}"),
    };

    /// <summary>The bridge Describe reports, or null when the activation is fused.</summary>
    public static string? Bridge(Activation activation) => Lower(activation).HardSwishPass
        ? "HardSwish: a vectorized managed pass over the output (one extra pass); XNNPACK's convolutions fuse only clamps"
        : null;
}
