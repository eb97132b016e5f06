namespace NativeConv.Onnx;

/// <summary>Shape arithmetic of the folding and shape rules: broadcasting, element counts, axes.</summary>
internal static class Shapes
{
    /// <summary>NumPy broadcasting of two shapes; a known mismatch is a broken model.</summary>
    public static Dim[] Broadcast(Node node, Dim[] a, Dim[] b)
    {
        int rank = Math.Max(a.Length, b.Length);
        var result = new Dim[rank];
        for (int i = 0; i < rank; i++)
        {
            Dim x = i - (rank - a.Length) >= 0 ? a[i - (rank - a.Length)] : Dim.Of(1);
            Dim y = i - (rank - b.Length) >= 0 ? b[i - (rank - b.Length)] : Dim.Of(1);
            if (x.Is(1)) result[i] = y;
            else if (y.Is(1) || x.SameAs(y)) result[i] = x;
            else if (x.IsKnown && y.IsKnown) throw new OnnxFormatException($"{node}: shapes [{string.Join(", ", a)}] and [{string.Join(", ", b)}] do not broadcast");
            else result[i] = x.IsKnown ? y : x;
        }
        return result;
    }

    public static long Count(long[] dims) => dims.Aggregate(1L, (p, d) => p * d);

    /// <summary>Axis <paramref name="axis"/> (negative from the end) of a rank-<paramref name="rank"/> tensor, or a broken-model error.</summary>
    public static int Axis(Node node, long axis, int rank, string what = "axis")
    {
        long a = axis < 0 ? axis + rank : axis;
        return a >= 0 && a < rank ? (int)a : throw new OnnxFormatException($"{node}: {what} {axis} is out of range for rank {rank}");
    }

    /// <summary>Row-major strides of <paramref name="dims"/>.</summary>
    public static long[] Strides(long[] dims)
    {
        var strides = new long[dims.Length];
        long s = 1;
        for (int i = dims.Length - 1; i >= 0; i--)
        {
            strides[i] = s;
            s *= dims[i];
        }
        return strides;
    }

    public static string Text(Dim[]? shape) => shape is null ? "[?]" : $"[{string.Join(", ", shape)}]";
}
