namespace NativeConv.Onnx;

/// <summary>
/// Split of a feature map along channels (axis 1, or -3 of (N, C, H, W), -1 of (N, C)) → <see cref="GraphBuilder.Split(Value, IReadOnlyList{int}, string?)"/>;
/// also what <see cref="ChannelSliceFusion"/> makes of the Slices that tile the channels (PyTorch's <c>chunk</c>). The
/// sizes: the split attribute before opset 13, the split input from it, else equal parts (opset 18: num_outputs of them,
/// ⌈C / num_outputs⌉ each, the last one smaller). Every part must be read: the graph keeps no value nothing reads.
/// </summary>
internal sealed class SplitOnnx : OnnxOp
{
    public override IReadOnlyList<string> OpTypes => ["Split"];

    public override string Summary => "Split of feature maps along channels (split attribute or input, num_outputs)";

    public override (int Min, int Max) Arity(string opType) => (1, 2);

    public override void Infer(Node node, InferContext context)
    {
        ValueInfo? x = context.In(node, 0);
        if (x?.Shape is not { } s)
        {
            context.Unknown(node);
            return;
        }
        int axis = Shapes.Axis(node, node.Int("axis", 0), s.Length);
        long[]? sizes = Sizes(node, context.Graph, s[axis]);
        for (int k = 0; k < node.Outputs.Count; k++)
        {
            Dim[] shape = s.ToArray();
            shape[axis] = sizes is not null ? Dim.Of(sizes[k]) : Dim.Unknown();
            context.Set(node, k, new ValueInfo(x.Type, shape));
        }
    }

    /// <summary>
    /// Each output's size along the axis of <paramref name="total"/>; null when they are not known (a split input that
    /// is no constant, equal parts of a size bound at a call). Sizes that disagree with the outputs or the total are a
    /// broken model.
    /// </summary>
    public static long[]? Sizes(Node node, OnnxGraph graph, Dim total)
    {
        int parts = node.Outputs.Count;
        long[]? sizes;
        if (graph.Opset < 13) sizes = node.Ints("split");
        else if (!node.HasInput(1)) sizes = null;
        else if (graph.ConstantOf(node.Input(1)) is { IsKnown: true, Ints: not null } t) sizes = t.Longs();
        else return null;
        if (sizes is not null)
        {
            if (sizes.Length != parts || sizes.Any(v => v < 0))
                throw new OnnxFormatException($"{node}: split [{string.Join(", ", sizes)}] for {parts} outputs");
            if (total.Size is { } n && sizes.Sum() != n)
                throw new OnnxFormatException($"{node}: split [{string.Join(", ", sizes)}] adds up to {sizes.Sum()}, not the axis' {n}");
            return sizes;
        }
        if (graph.Opset >= 18)
        {
            long count = node.Int("num_outputs", 0);
            if (count != parts) throw new OnnxFormatException($"{node}: num_outputs {count} with {parts} outputs (opset 18 takes split or num_outputs, equal to the outputs' number)");
        }
        if (total.Size is not { } size) return null;
        if (graph.Opset < 18 && size % parts != 0)
            throw new OnnxFormatException($"{node}: {parts} equal parts of an axis of {size} (before opset 18 the parts must be equal)");
        long each = (size + parts - 1) / parts;
        return Enumerable.Range(0, parts).Select(i => Math.Max(0, Math.Min(each, size - i * each))).ToArray();
    }

    public override void Lower(Node node, LowerContext context)
    {
        FeatureMap? x = context.Map(node, 0);
        long axis = node.Int("axis", 0);
        Dim[]? shape = context.Info(node, 0)?.Shape;
        long[]? sizes = shape is null ? null : Sizes(node, context.Graph, shape[Shapes.Axis(node, axis, shape.Length)]);
        Dictionary<string, int> readers = context.Graph.ReaderCounts();
        string? unread = node.Outputs.FirstOrDefault(o => o.Length == 0 || !readers.ContainsKey(o));
        string? reason = context.NotMap(node, 0)
            ?? (x is { } m && (axis < 0 ? axis + m.Rank : axis) != 1 ? $"Split along axis {axis} of {Shapes.Text(shape)}: feature maps are split along channels only (axis 1)"
            : sizes is null ? "split sizes that are not constants"
            : unread is not null ? $"its output {(unread.Length == 0 ? "left unnamed" : $"'{unread}'")} is read by nothing: the graph's split makes every part, and keeps no value nothing reads"
            : null);
        if (context.Stops(node, reason)) return;
        string name = context.Name(node);
        context.DefineAll(node, context.Builder.Split(x!.Value.Value, sizes!.Select(v => (int)v).ToArray(), name), x.Value.Rank, name);
    }
}
