namespace NativeConv.Onnx;

/// <summary>Constant folding of elementwise operators with NumPy broadcasting, over reals (as double) or integers (symbols stay symbols only untouched).</summary>
internal static class Broadcasting
{
    public static Tensor Fold(Node node, Tensor a, Tensor b, Func<double, double, double> real, Func<long, long, long?> integer)
    {
        long[] dims = Shapes.Broadcast(node, a.Shape, b.Shape).Select(d => d.Size!.Value).ToArray();
        long count = TensorReader.Count(dims, node.ToString());
        long[] sa = Aligned(a.Dims, dims), sb = Aligned(b.Dims, dims);
        var index = new long[dims.Length];
        if (a.IsReal || b.IsReal)
        {
            int type = a.IsReal ? a.Type : b.Type;
            var values = new double[count];
            for (long i = 0; i < count; i++)
            {
                values[i] = ActivationOnnx.RoundTo(type, real(a.At((int)Offset(index, sa)), b.At((int)Offset(index, sb))));
                Next(index, dims);
            }
            return Tensor.Real(type, dims, values);
        }
        var ints = new Dim[count];
        for (long i = 0; i < count; i++)
        {
            Dim x = a.Ints![Offset(index, sa)], y = b.Ints![Offset(index, sb)];
            ints[i] = x.Size is { } p && y.Size is { } q && integer(p, q) is { } r ? Dim.Of(r) : Dim.Unknown();
            Next(index, dims);
        }
        return Tensor.Integer(a.Type, dims, ints);
    }

    /// <summary>Strides of <paramref name="dims"/> right-aligned against <paramref name="target"/>, 0 where broadcast.</summary>
    private static long[] Aligned(long[] dims, long[] target)
    {
        long[] strides = Shapes.Strides(dims);
        var result = new long[target.Length];
        for (int i = 0; i < dims.Length; i++)
            result[target.Length - dims.Length + i] = dims[i] == 1 ? 0 : strides[i];
        return result;
    }

    private static long Offset(long[] index, long[] strides)
    {
        long offset = 0;
        for (int i = 0; i < index.Length; i++) offset += index[i] * strides[i];
        return offset;
    }

    private static void Next(long[] index, long[] dims)
    {
        for (int i = dims.Length - 1; i >= 0; i--)
        {
            if (++index[i] < dims[i]) return;
            index[i] = 0;
        }
    }
}
