namespace NativeConv.Npy;

/// <summary>A float32 array as NumPy stores it: a shape and its values in C (row-major) order.</summary>
public sealed class NpyArray
{
    /// <summary>Wraps <paramref name="data"/> (not copied) as an array of <paramref name="shape"/>; their sizes must agree.</summary>
    /// <exception cref="ArgumentException">The shape has a negative dimension or does not hold <c>data.Length</c> values.</exception>
    public NpyArray(int[] shape, float[] data)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(data);
        long count = ElementCount(shape);
        if (count != data.Length)
            throw new ArgumentException($"shape {Describe(shape)} holds {count} values, data has {data.Length}", nameof(data));
        Shape = shape;
        Data = data;
    }

    /// <summary>The dimensions, outermost first; empty for a scalar.</summary>
    public int[] Shape { get; }

    /// <summary>The values in C order: the last dimension varies fastest.</summary>
    public float[] Data { get; }

    /// <summary>The number of dimensions (0 for a scalar).</summary>
    public int Rank => Shape.Length;

    /// <summary>Product of the dimensions (1 for a scalar); a negative dimension is an error.</summary>
    public static long ElementCount(IReadOnlyList<int> shape)
    {
        long count = 1;
        foreach (int d in shape)
        {
            if (d < 0) throw new ArgumentException($"shape {Describe(shape)} has a negative dimension", nameof(shape));
            count = checked(count * d);
        }
        return count;
    }

    /// <summary>NumPy's spelling of a shape: (2, 3), (3,), ().</summary>
    public static string Describe(IReadOnlyList<int> shape) =>
        shape.Count == 1 ? $"({shape[0]},)" : "(" + string.Join(", ", shape) + ")";
}
