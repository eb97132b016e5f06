using System.Numerics;

namespace NativeConv;

/// <summary>An elementwise function of a vector of floats (a struct, so <see cref="VectorLoop.Map{TFunction}"/> is specialized and inlines it).</summary>
internal interface IVectorFunction
{
    static abstract Vector<float> Invoke(Vector<float> x);
}

/// <summary>An elementwise vector function over a buffer, the tail through a padded vector so every element gets the same arithmetic.</summary>
internal static unsafe class VectorLoop
{
    /// <summary><typeparamref name="TFunction"/> from <paramref name="source"/> into <paramref name="data"/> (the same buffer, or one that does not overlap it).</summary>
    public static void Map<TFunction>(float* source, float* data, int length) where TFunction : struct, IVectorFunction
    {
        int i = 0;
        for (; i <= length - Vector<float>.Count; i += Vector<float>.Count) TFunction.Invoke(Vector.Load(source + i)).Store(data + i);
        if (i == length) return;
        float* tail = stackalloc float[Vector<float>.Count];
        new Span<float>(tail, Vector<float>.Count).Clear();
        for (int k = 0; i + k < length; k++) tail[k] = source[i + k];
        TFunction.Invoke(Vector.Load(tail)).Store(tail);
        for (int k = 0; i + k < length; k++) data[i + k] = tail[k];
    }
}
