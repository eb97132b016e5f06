namespace NativeConv.Onnx;

/// <summary>
/// Slice on constants (e.g. the last two dimensions of a Shape): starts/ends/axes attributes before opset 10, inputs
/// (with steps) from it. Of a feature map: the sibling Slices along the channels that cut them into consecutive parts
/// (PyTorch's <c>x.chunk(2, dim=1)</c> in ShuffleNet v2) become one Split (<see cref="ChannelSliceFusion"/>); any other
/// Slice of a feature map is refused, saying which.
/// </summary>
internal sealed class SliceOnnx : FoldingOnnx
{
    public override IReadOnlyList<string> OpTypes => ["Slice"];

    public override string Summary => "Slice (folded), channel Slices that tile the channels (as a Split)";

    public override (int Min, int Max) Arity(string opType) => (1, 5);

    public override void Infer(Node node, InferContext context)
    {
        Tensor? data = context.Constant(node, 0);
        Dim[]? shape = context.In(node, 0)?.Shape;
        if (shape is null || Parameters(node, context.Graph) is not var (starts, ends, axes, steps))
        {
            context.Unknown(node);
            return;
        }
        if (data is null)
        {
            Dim[] sliced = shape.ToArray();
            for (int i = 0; i < starts.Length; i++)
            {
                int axis = Shapes.Axis(node, axes[i], shape.Length);
                sliced[axis] = shape[axis].Size is { } size ? Dim.Of(Bounds(starts[i], ends[i], steps[i], size).Count) : Dim.Unknown();
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

    /// <summary>
    /// The starts, ends, axes (default: 0, 1, ...) and steps (default: 1s); null when one of them is not a known
    /// constant. Lists of different lengths or a step of 0 are a broken model.
    /// </summary>
    public static (long[] Starts, long[] Ends, long[] Axes, long[] Steps)? Parameters(Node node, OnnxGraph graph)
    {
        long[]? starts, ends, axes, steps;
        if (graph.Opset < 10)
        {
            (starts, ends, axes, steps) = (node.Ints("starts"), node.Ints("ends"), node.Ints("axes"), null);
        }
        else
        {
            bool unknown = false;
            long[]? Known(int k)
            {
                if (!node.HasInput(k)) return null;
                if (graph.ConstantOf(node.Input(k)) is { Ints: not null, IsKnown: true } t) return t.Longs();
                unknown = true;
                return null;
            }
            (starts, ends, axes, steps) = (Known(1), Known(2), Known(3), Known(4));
            if (unknown) return null;
        }
        if (starts is null || ends is null) return null;
        axes ??= Enumerable.Range(0, starts.Length).Select(i => (long)i).ToArray();
        steps ??= Enumerable.Repeat(1L, starts.Length).ToArray();
        if (ends.Length != starts.Length || axes.Length != starts.Length || steps.Length != starts.Length || steps.Any(s => s == 0))
            throw new OnnxFormatException($"{node}: starts, ends, axes and steps of different lengths, or a step of 0");
        return (starts, ends, axes, steps);
    }

    /// <summary>
    /// The channels [Start, End) a Slice of a feature map of <paramref name="channels"/> channels and rank
    /// <paramref name="rank"/> keeps, when it slices the channels alone with step 1 (every other axis whole); else null
    /// with the reason.
    /// </summary>
    public static (long Start, long End)? ChannelRange(Node node, OnnxGraph graph, int rank, long channels, out string? reason)
    {
        reason = null;
        if (Parameters(node, graph) is not var (starts, ends, axes, steps))
        {
            reason = "starts, ends, axes or steps that are not constants";
            return null;
        }
        Dim[] shape = graph.InfoOf(node.Input(0))?.Shape is { } s && s.Length == rank ? s : Enumerable.Range(0, rank).Select(_ => Dim.Unknown()).ToArray();
        (long Start, long End) range = (0, channels); // no channel axis listed: every channel
        for (int i = 0; i < starts.Length; i++)
        {
            int axis = Shapes.Axis(node, axes[i], rank);
            if (axis != 1)
            {
                if (Whole(starts[i], ends[i], steps[i], shape[axis])) continue;
                reason = $"a Slice of a feature map {Shapes.Text(shape)} along axis {axes[i]} (starts {starts[i]}, ends {ends[i]}, step {steps[i]}): feature maps are sliced along channels only";
                return null;
            }
            if (steps[i] != 1)
            {
                reason = $"a Slice of the channels with step {steps[i]}: only consecutive channels (step 1)";
                return null;
            }
            (long first, long count) = Bounds(starts[i], ends[i], 1, channels);
            range = (first, first + count);
        }
        return range;
    }

    /// <summary>Whether a slice keeps an axis of <paramref name="size"/> whole, in order (for any size, if it is bound only at a call).</summary>
    private static bool Whole(long start, long end, long step, Dim size) =>
        step == 1 && (size.Size is { } n ? Bounds(start, end, 1, n) == (0, n) : start == 0 && end >= int.MaxValue);

    /// <summary>The indices a slice of one axis of <paramref name="size"/> takes (of a constant: folding).</summary>
    private static long[] Range(long from, long to, long step, long size)
    {
        (long start, long count) = Bounds(from, to, step, size);
        var list = new long[count];
        for (long i = 0; i < count; i++) list[i] = start + i * step;
        return list;
    }

    /// <summary>Where a slice of one axis of <paramref name="size"/> starts and how many it takes (ONNX's clamping of starts and ends).</summary>
    private static (long Start, long Count) Bounds(long from, long to, long step, long size)
    {
        long Clamp(long v, long lo, long hi) => Math.Clamp(v < 0 ? Math.Max(v, long.MinValue + size) + size : v, lo, hi);
        long start = step > 0 ? Clamp(from, 0, size) : Clamp(from, -1, size - 1);
        long end = step > 0 ? Clamp(to, 0, size) : Clamp(to, -1, size - 1);
        long span = step > 0 ? end - start : start - end, by = Math.Abs(step == long.MinValue ? long.MaxValue : step);
        return (start, span <= 0 ? 0 : (span - 1) / by + 1);
    }

    public override void Lower(Node node, LowerContext context)
    {
        if (context.Map(node, 0) is not { } x)
        {
            if (context.AnyMissing(node)) context.Skip(node);
            else base.Lower(node, context);
            return;
        }
        (long Start, long End)? range = ChannelRange(node, context.Graph, x.Rank, x.Value.Channels, out string? reason);
        context.Refuse(node, reason ?? $"a Slice of channels [{range!.Value.Start}, {range.Value.End}) of {x.Value.Channels} that its sibling Slices do not complete " +
            "into consecutive parts covering every channel: channel Slices run only so, as one Split (e.g. x.chunk(2, dim=1))");
    }
}
