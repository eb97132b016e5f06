using System.Numerics;

namespace NativeConv;

/// <summary>
/// HardSwish, x · ReLU6(x + 3) / 6, and HardSigmoid, ReLU6(x + 3) / 6, in place and vectorized: the
/// bridge for a backend whose convolutions fuse only clamps (XNNPACK), and a network step of its own.
/// </summary>
internal static class ActivationPass
{
    public static unsafe void Apply(ActivationKind kind, float* data, int length)
    {
        switch (kind)
        {
            case ActivationKind.None:
                return;
            case ActivationKind.HardSwish:
                HardSwish(data, length);
                return;
            case ActivationKind.HardSigmoid:
                HardSigmoid(data, length);
                return;
            default:
                throw new InvalidOperationException($"{kind} is fused, not a separate pass");
        }
    }

    private static unsafe void HardSwish(float* data, int length)
    {
        var three = new Vector<float>(3f);
        var six = new Vector<float>(6f);
        var sixth = new Vector<float>(1f / 6f);
        int i = 0;
        for (; i <= length - Vector<float>.Count; i += Vector<float>.Count)
        {
            var x = Vector.Load(data + i);
            var r = Vector.Min(Vector.Max(x + three, Vector<float>.Zero), six);
            (x * r * sixth).Store(data + i);
        }
        for (; i < length; i++)
        {
            float x = data[i];
            data[i] = x * Math.Min(Math.Max(x + 3f, 0f), 6f) * (1f / 6f);
        }
    }

    private static unsafe void HardSigmoid(float* data, int length)
    {
        var three = new Vector<float>(3f);
        var six = new Vector<float>(6f);
        var sixth = new Vector<float>(1f / 6f);
        int i = 0;
        for (; i <= length - Vector<float>.Count; i += Vector<float>.Count)
        {
            var x = Vector.Load(data + i);
            (Vector.Min(Vector.Max(x + three, Vector<float>.Zero), six) * sixth).Store(data + i);
        }
        for (; i < length; i++) data[i] = Math.Min(Math.Max(data[i] + 3f, 0f), 6f) * (1f / 6f);
    }
}
