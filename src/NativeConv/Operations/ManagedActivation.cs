using System.Numerics.Tensors;

namespace NativeConv;

/// <summary>
/// Every activation as a managed pass in place, vectorized: after an operation whose library does not fuse it (an add,
/// XNNPACK's convolutions beyond clamps). HardSwish and HardSigmoid keep <see cref="ActivationPass"/>'s arithmetic.
/// </summary>
internal static unsafe class ManagedActivation
{
    public static void Apply(Activation activation, float* data, int length)
    {
        var span = new Span<float>(data, length);
        switch (activation.Kind)
        {
            case ActivationKind.None:
                return;
            case ActivationKind.ReLU:
            case ActivationKind.ReLU6:
            case ActivationKind.Clamp:
                Clamp(span, activation.Min, activation.Max);
                return;
            default:
                ActivationPass.Apply(activation.Kind, data, length);
                return;
        }
    }

    /// <summary>min(max(x, lo), hi), NaN kept as NaN (PyTorch's clamp and ReLU propagate it).</summary>
    private static void Clamp(Span<float> data, float lo, float hi)
    {
        if (!float.IsNegativeInfinity(lo)) TensorPrimitives.Max(data, lo, data);
        if (!float.IsPositiveInfinity(hi)) TensorPrimitives.Min(data, hi, data);
    }
}
