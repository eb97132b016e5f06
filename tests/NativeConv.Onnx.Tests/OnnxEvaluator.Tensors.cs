using Onnx;

namespace NativeConv.Onnx.Tests;

/// <summary>Concat, Split and Slice of any rank along any axis, from the ONNX specification.</summary>
internal static partial class OnnxEvaluator
{
    /// <summary>The tensor seen as (outer, axis, inner) around <paramref name="axis"/>.</summary>
    private static (long Outer, long Inner) Around(long[] dims, int axis) =>
        (dims.Take(axis).Aggregate(1L, (p, v) => p * v), dims.Skip(axis + 1).Aggregate(1L, (p, v) => p * v));

    private static DoubleTensor Concat(DoubleTensor[] parts, long axisAttribute)
    {
        int rank = parts[0].Dims.Length, axis = (int)(axisAttribute < 0 ? axisAttribute + rank : axisAttribute);
        long[] dims = parts[0].Dims.ToArray();
        dims[axis] = parts.Sum(p => p.Dims[axis]);
        var (outer, inner) = Around(dims, axis);
        var values = new List<double>();
        for (long o = 0; o < outer; o++)
            foreach (DoubleTensor p in parts)
                values.AddRange(p.Values.Skip((int)(o * p.Dims[axis] * inner)).Take((int)(p.Dims[axis] * inner)));
        return new DoubleTensor(dims, values.ToArray(), parts.All(p => p.Integer));
    }

    /// <summary>Split: sizes from the attribute (opsets before 13) or the input, else equal parts (opset 18: ⌈size / num_outputs⌉, the last smaller).</summary>
    private static DoubleTensor[] Split(NodeProto n, DoubleTensor x, DoubleTensor? split, long opset)
    {
        int rank = x.Dims.Length;
        long axisAttribute = I(n, "axis", 0);
        int axis = (int)(axisAttribute < 0 ? axisAttribute + rank : axisAttribute), parts = n.Output.Count;
        long size = x.Dims[axis];
        long[] sizes = (opset < 13 ? Ints(n, "split") : split?.Values.Select(v => (long)v).ToArray())
            ?? Enumerable.Range(0, parts).Select(k => Math.Max(0, Math.Min((size + parts - 1) / parts, size - k * ((size + parts - 1) / parts)))).ToArray();
        var (outer, inner) = Around(x.Dims, axis);
        var result = new DoubleTensor[parts];
        long at = 0;
        for (int k = 0; k < parts; k++)
        {
            var values = new List<double>();
            for (long o = 0; o < outer; o++) values.AddRange(x.Values.Skip((int)((o * size + at) * inner)).Take((int)(sizes[k] * inner)));
            long[] dims = x.Dims.ToArray();
            dims[axis] = sizes[k];
            result[k] = new DoubleTensor(dims, values.ToArray(), x.Integer);
            at += sizes[k];
        }
        return result;
    }

    /// <summary>Slice (opset 10+ inputs): per listed axis, starts and ends clamped to the axis (negative from its end), any step.</summary>
    private static DoubleTensor Slice(DoubleTensor x, DoubleTensor starts, DoubleTensor ends, DoubleTensor? axes, DoubleTensor? steps)
    {
        int rank = x.Dims.Length;
        var picks = x.Dims.Select(d => Enumerable.Range(0, (int)d).Select(i => (long)i).ToArray()).ToArray();
        for (int i = 0; i < starts.Values.Length; i++)
        {
            long a = axes is null ? i : (long)axes.Values[i];
            int axis = (int)(a < 0 ? a + rank : a);
            long size = x.Dims[axis], step = steps is null ? 1 : (long)steps.Values[i];
            // Bounds beyond a long's range (INT64_MAX as "to the end") are clamped by comparison, in double.
            double Clamp(double v, double lo, double hi) => Math.Clamp(v < 0 ? v + size : v, lo, hi);
            double start = step > 0 ? Clamp(starts.Values[i], 0, size) : Clamp(starts.Values[i], -1, size - 1);
            double end = step > 0 ? Clamp(ends.Values[i], 0, size) : Clamp(ends.Values[i], -1, size - 1);
            var kept = new List<long>();
            for (long j = (long)start; step > 0 ? j < end : j > end; j += step) kept.Add(j);
            picks[axis] = kept.ToArray();
        }
        long[] dims = picks.Select(p => (long)p.Length).ToArray();
        long[] strides = new long[rank];
        for (int i = rank - 1, s = 1; i >= 0; s *= (int)x.Dims[i], i--) strides[i] = s;
        long count = dims.Aggregate(1L, (p, v) => p * v);
        var values = new double[count];
        var index = new long[rank];
        for (long i = 0; i < count; i++)
        {
            long from = 0;
            for (int k = 0; k < rank; k++) from += picks[k][index[k]] * strides[k];
            values[i] = x.Values[from];
            for (int k = rank - 1; k >= 0 && ++index[k] == dims[k]; k--) index[k] = 0;
        }
        return new DoubleTensor(dims, values, x.Integer);
    }
}
