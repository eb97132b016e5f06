namespace NativeConv.Npy;

/// <summary>A float32 array as NumPy stores it: a shape and its values in C (row-major) order.</summary>
public sealed class NpyArray
{
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

    public int[] Shape { get; }

    public float[] Data { get; }

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
