using System.Numerics;

namespace NativeConv;

/// <summary>
/// HardSwish, x · ReLU6(x + 3) / 6, and HardSigmoid, ReLU6(x + 3) / 6, vectorized, from <c>x</c> into <c>y</c> (the
/// same buffer or one that does not overlap it): part of <see cref="ManagedActivation"/>.
/// </summary>
internal static class ActivationPass
{
    public static unsafe void HardSwish(float* source, float* data, int length)
    {
        var three = new Vector<float>(3f);
        var six = new Vector<float>(6f);
        var sixth = new Vector<float>(1f / 6f);
        int i = 0;
        for (; i <= length - Vector<float>.Count; i += Vector<float>.Count)
        {
            var x = Vector.Load(source + i);
            var r = Vector.Min(Vector.Max(x + three, Vector<float>.Zero), six);
            (x * r * sixth).Store(data + i);
        }
        for (; i < length; i++)
        {
            float x = source[i];
            data[i] = x * Math.Min(Math.Max(x + 3f, 0f), 6f) * (1f / 6f);
        }
    }

    public static unsafe void HardSigmoid(float* source, float* data, int length)
    {
        var three = new Vector<float>(3f);
        var six = new Vector<float>(6f);
        var sixth = new Vector<float>(1f / 6f);
        int i = 0;
        for (; i <= length - Vector<float>.Count; i += Vector<float>.Count)
        {
            var x = Vector.Load(source + i);
            (Vector.Min(Vector.Max(x + three, Vector<float>.Zero), six) * sixth).Store(data + i);
        }
        for (; i < length; i++) data[i] = Math.Min(Math.Max(source[i] + 3f, 0f), 6f) * (1f / 6f);
    }
}
