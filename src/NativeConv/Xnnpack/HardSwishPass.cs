using System.Numerics;

namespace NativeConv;

/// <summary>HardSwish in place, x * ReLU6(x + 3) / 6, vectorized: the bridge for XNNPACK, whose convolutions fuse only clamps.</summary>
internal static class HardSwishPass
{
    public static unsafe void Apply(float* data, int length)
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
}
