namespace NativeConv.Onnx;

/// <summary>
/// Slice on constants (e.g. the last two dimensions of a Shape): starts/ends/axes attributes before opset 10, inputs
/// (with steps) from it. Of a feature map only its shape rule (ShuffleNet's channel split is two Slices along the
/// channels): it runs once the graph has a channel split (GraphBuilder.Split), which this build does not have yet.
/// </summary>
internal sealed class SliceOnnx : FoldingOnnx
{
    public override IReadOnlyList<string> OpTypes => ["Slice"];

    public override string Summary => "Slice (folded)";

    public override (int Min, int Max) Arity(string opType) => (1, 5);

    public override void Infer(Node node, InferContext context)
    {
        Tensor? data = context.Constant(node, 0);
        Dim[]? shape = context.In(node, 0)?.Shape;
        long[]? starts, ends, axes, steps;
        if (context.Opset < 10)
        {
            (starts, ends, axes, steps) = (node.Ints("starts"), node.Ints("ends"), node.Ints("axes"), null);
        }
        else
        {
            long[]? Known(int k) => node.HasInput(k) ? context.Constant(node, k) is { Ints: not null, IsKnown: true } t ? t.Longs() : [long.MinValue] : null;
            (starts, ends, axes, steps) = (Known(1), Known(2), Known(3), Known(4));
        }
        if (shape is null || starts is null || ends is null || new[] { starts, ends, axes, steps }.Any(a => a is [long.MinValue]))
        {
            context.Unknown(node);
            return;
        }
        axes ??= Enumerable.Range(0, starts.Length).Select(i => (long)i).ToArray();
        steps ??= Enumerable.Repeat(1L, starts.Length).ToArray();
        if (ends.Length != starts.Length || axes.Length != starts.Length || steps.Length != starts.Length || steps.Any(s => s == 0))
            throw new OnnxFormatException($"{node}: starts, ends, axes and steps of different lengths, or a step of 0");
        if (data is null)
        {
            Dim[] sliced = shape.ToArray();
            for (int i = 0; i < starts.Length; i++)
            {
                int axis = Shapes.Axis(node, axes[i], shape.Length);
                sliced[axis] = shape[axis].Size is { } size ? Dim.Of(Range(starts[i], ends[i], steps[i], size).Length) : Dim.Unknown();
            }
            context.Set(node, 0, new ValueInfo(context.In(node, 0)!.Type, sliced));
            return;
        }
        var picks = data.Dims.Select(d => Enumerable.Range(0, (int)d).Select(i => (long)i).ToArray()).ToArray();
        for (int i = 0; i < starts.Length; i++)
            picks[Shapes.Axis(node, axes[i], data.Rank)] = Range(starts[i], ends[i], steps[i], data.Dims[Shapes.Axis(node, axes[i], data.Rank)]);
        long[] dims = picks.Select(p => (long)p.Length).ToArray();
        long[] strides = Shapes.Strides(data.Dims);
        context.Fold(node, 0, Pick(data, dims, Gather(dims, index => index.Select((j, a) => picks[a][j] * strides[a]).Sum())));
    }

    /// <summary>The indices a slice of one axis of <paramref name="size"/> takes (ONNX's clamping of starts and ends).</summary>
    private static long[] Range(long from, long to, long step, long size)
    {
        long Clamp(long v, long lo, long hi) => Math.Clamp(v < 0 ? v + size : v, lo, hi);
        long start = step > 0 ? Clamp(from, 0, size) : Clamp(from, -1, size - 1);
        long end = step > 0 ? Clamp(to, 0, size) : Clamp(to, -1, size - 1);
        var list = new List<long>();
        for (long j = start; step > 0 ? j < end : j > end; j += step) list.Add(j);
        return list.ToArray();
    }

    public override void Lower(Node node, LowerContext context)
    {
        if (context.Map(node, 0) is null && !context.Missing(node, 0)) base.Lower(node, context);
        else context.Refuse(node, "Slice of a feature map: needs the graph's channel split (GraphBuilder.Split), not in this build");
    }
}
