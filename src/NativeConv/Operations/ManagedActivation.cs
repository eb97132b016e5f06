using System.Numerics.Tensors;

namespace NativeConv;

/// <summary>
/// Every activation as a managed pass, vectorized, from a buffer into itself or into one that does not overlap it: after
/// an operation whose library does not fuse it (an add, XNNPACK's convolutions where its own operator loses), and the
/// managed kernel of a standalone activation. Clamps keep NaN (PyTorch's clamp and ReLU propagate it); sigmoid is
/// TensorPrimitives'; tanh and GELU are derived rational kernels (<see cref="RationalTanh"/>, <see cref="RationalGelu"/>);
/// SiLU is x · TensorPrimitives' sigmoid, a stack block at a time (nothing allocated).
/// </summary>
internal static unsafe class ManagedActivation
{
    /// <summary>The block SiLU's sigmoid goes through: small enough for the stack, large enough to amortize the calls.</summary>
    private const int SiluBlock = 1024;

    /// <summary>In place.</summary>
    public static void Apply(Activation activation, float* data, int length) => Apply(activation, data, data, length);

    public static void Apply(Activation activation, float* source, float* data, int length)
    {
        var x = new ReadOnlySpan<float>(source, length);
        var y = new Span<float>(data, length);
        switch (activation.Kind)
        {
            case ActivationKind.None:
                if (source != data) x.CopyTo(y);
                return;
            case ActivationKind.ReLU:
            case ActivationKind.ReLU6:
            case ActivationKind.Clamp:
                Clamp(x, y, activation.Min, activation.Max);
                return;
            case ActivationKind.HardSwish:
                ActivationPass.HardSwish(source, data, length);
                return;
            case ActivationKind.HardSigmoid:
                ActivationPass.HardSigmoid(source, data, length);
                return;
            case ActivationKind.Sigmoid:
                TensorPrimitives.Sigmoid(x, y);
                return;
            case ActivationKind.SiLU:
                Silu(source, data, length);
                return;
            case ActivationKind.GELU:
                RationalGelu.Apply(source, data, length);
                return;
            case ActivationKind.Tanh:
                RationalTanh.Apply(source, data, length);
                return;
            default:
                throw new InvalidOperationException($"no managed pass for activation {activation}");
        }
    }

    /// <summary>What runs <paramref name="activation"/> here, for Describe.</summary>
    public static string Describe(Activation activation) => activation.Kind switch
    {
        ActivationKind.Sigmoid => "TensorPrimitives.Sigmoid",
        ActivationKind.SiLU => "x · TensorPrimitives.Sigmoid",
        ActivationKind.GELU or ActivationKind.Tanh => "vectorized C# (rational)",
        ActivationKind.ReLU or ActivationKind.ReLU6 or ActivationKind.Clamp => "TensorPrimitives (clamp)",
        _ => "vectorized C#",
    };

    /// <summary>min(max(x, lo), hi), NaN kept as NaN (PyTorch's clamp and ReLU propagate it).</summary>
    private static void Clamp(ReadOnlySpan<float> x, Span<float> y, float lo, float hi)
    {
        if (float.IsNegativeInfinity(lo)) TensorPrimitives.Min(x, hi, y);
        else
        {
            TensorPrimitives.Max(x, lo, y);
            if (!float.IsPositiveInfinity(hi)) TensorPrimitives.Min(y, hi, y);
        }
    }

    /// <summary>x · sigmoid(x): PyTorch's SiLU(−∞) = −∞ · 0 = NaN, SiLU(∞) = ∞.</summary>
    private static void Silu(float* source, float* data, int length)
    {
        float* sigmoid = stackalloc float[SiluBlock];
        for (int i = 0; i < length; i += SiluBlock)
        {
            int n = Math.Min(SiluBlock, length - i);
            var x = new ReadOnlySpan<float>(source + i, n);
            var s = new Span<float>(sigmoid, n);
            TensorPrimitives.Sigmoid(x, s);
            TensorPrimitives.Multiply(x, s, new Span<float>(data + i, n));
        }
    }
}
