namespace NativeConv.Onnx;

/// <summary>
/// Flatten, Reshape, Squeeze, Unsqueeze. On constants: folded (the shape arithmetic of exported models). On a feature
/// map: a view without an operation, where NativeConv's values can hold the result: (N, C, 1, 1) ↔ (N, C), and a
/// reshape to the same shape. Squeeze/Unsqueeze axes are attributes before opset 13, an input from it; Reshape's
/// 0 copies the input's dimension (unless allowzero) and one -1 takes what is left.
/// </summary>
internal sealed class ViewOnnx : OnnxOp
{
    public override IReadOnlyList<string> OpTypes => ["Flatten", "Reshape", "Squeeze", "Unsqueeze"];

    public override string Summary => "Flatten/Reshape/Squeeze/Unsqueeze between (N, C, 1, 1) and (N, C), and of constants";

    public override (int Min, int Max) Arity(string opType) => opType switch { "Flatten" => (1, 1), "Reshape" => (2, 2), _ => (1, 2) };

    public override void Infer(Node node, InferContext context)
    {
        ValueInfo? x = context.In(node, 0);
        Dim[]? shape = x?.Shape is { } s ? Result(node, context.Graph, s) : null;
        if (shape is null)
        {
            context.Unknown(node);
            return;
        }
        if (x!.Constant is { } c)
        {
            long[] dims = shape.Select(d => d.Size ?? -1).ToArray();
            if (dims.All(d => d >= 0) && Shapes.Count(dims) == c.Length)
            {
                context.Fold(node, 0, c.IsReal ? Tensor.Real(c.Type, dims, c.Reals!) : Tensor.Integer(c.Type, dims, c.Ints!));
                return;
            }
            throw new OnnxFormatException($"{node}: reshapes a constant {c} to {Shapes.Text(shape)}");
        }
        context.Set(node, 0, new ValueInfo(x.Type, shape));
    }

    /// <summary>The output shape from the input's; null when an axis or shape input is not a known constant.</summary>
    private static Dim[]? Result(Node node, OnnxGraph graph, Dim[] input)
    {
        switch (node.OpType)
        {
            case "Flatten":
            {
                int axis = Shapes.Axis(node, node.Int("axis", 1), input.Length + 1);
                return [Product(input[..axis]), Product(input[axis..])];
            }
            case "Reshape":
                return graph.ConstantOf(node.Input(1)) is { Ints: not null } target ? Reshape(node, input, target.Ints, node.Int("allowzero", 0) != 0) : null;
            default:
            {
                long[]? axes = graph.Opset < 13 ? node.Ints("axes") ?? [] : !node.HasInput(1) ? [] : graph.ConstantOf(node.Input(1)) is { IsKnown: true } t ? t.Longs() : null;
                if (axes is null) return null;
                if (node.OpType == "Squeeze")
                {
                    var drop = axes.Length == 0 ? Enumerable.Range(0, input.Length).Where(i => input[i].Is(1)).ToHashSet()
                        : axes.Select(a => Shapes.Axis(node, a, input.Length)).ToHashSet();
                    return input.Where((_, i) => !drop.Contains(i)).ToArray();
                }
                int rank = input.Length + axes.Length;
                var added = axes.Select(a => Shapes.Axis(node, a, rank)).ToHashSet();
                if (added.Count != axes.Length) throw new OnnxFormatException($"{node}: repeated axes [{string.Join(", ", axes)}]");
                var result = new Dim[rank];
                for (int i = 0, j = 0; i < rank; i++) result[i] = added.Contains(i) ? Dim.Of(1) : input[j++];
                return result;
            }
        }
    }

    private static Dim Product(Dim[] dims) =>
        dims.Length == 1 ? dims[0] : dims.All(d => d.IsKnown) ? Dim.Of(dims.Aggregate(1L, (p, d) => p * d.Size!.Value))
            : dims.Count(d => !d.Is(1)) == 1 ? dims.First(d => !d.Is(1)) : Dim.Unknown();

    /// <summary>Reshape's rule: 0 copies (unless allowzero), -1 is what is left: known, or the one symbol the input has beyond the known part.</summary>
    private static Dim[] Reshape(Node node, Dim[] input, Dim[] target, bool allowZero)
    {
        var result = new Dim[target.Length];
        int free = -1;
        for (int i = 0; i < target.Length; i++)
        {
            Dim t = target[i];
            if (t.Is(-1))
            {
                if (free >= 0) throw new OnnxFormatException($"{node}: more than one -1 in the target shape");
                free = i;
            }
            else if (t.Is(0) && !allowZero) result[i] = i < input.Length ? input[i] : throw new OnnxFormatException($"{node}: a 0 at axis {i} beyond the input's rank {input.Length}");
            else if (t.Size is < 0) throw new OnnxFormatException($"{node}: target dimension {t}");
            else result[i] = t;
        }
        if (free < 0) return result;
        // Cancel what the output states from the input's dimensions: what remains is the -1.
        var left = input.ToList();
        long known = 1;
        foreach (Dim d in result.Where((_, i) => i != free))
        {
            int same = left.FindIndex(l => !l.IsKnown && l.SameAs(d));
            if (same >= 0) left.RemoveAt(same);
            else if (d.Size is { } n) known *= n;
            else
            {
                result[free] = Dim.Unknown();
                return result;
            }
        }
        long have = left.Where(l => l.IsKnown).Aggregate(1L, (p, l) => p * l.Size!.Value);
        var symbols = left.Where(l => !l.IsKnown).ToList();
        if (known == 0) result[free] = Dim.Unknown();
        else if (symbols.Count == 0) result[free] = have % known == 0 ? Dim.Of(have / known) : throw new OnnxFormatException($"{node}: {Shapes.Text(input)} does not reshape to {Shapes.Text(target)}");
        else result[free] = symbols.Count == 1 && have == known ? symbols[0] : Dim.Unknown();
        return result;
    }

    public override void Lower(Node node, LowerContext context)
    {
        FeatureMap? x = context.Map(node, 0);
        Dim[]? input = context.Info(node, 0)?.Shape, output = context.Graph.InfoOf(node.Outputs[0])?.Shape;
        if (x is null)
        {
            if (context.AnyMissing(node)) context.Skip(node);
            else context.Refuse(node, "its input is a constant it could not fold");
            return;
        }
        if (input is null || output is null)
        {
            context.Refuse(node, $"{node.OpType} whose target shape or axes are not constants");
            return;
        }
        if (input.Length == output.Length && input.Zip(output).All(p => p.First.SameAs(p.Second)))
        {
            context.Alias(node, 0, x.Value, x.Value.Rank); // the same shape
            return;
        }
        bool batchKept = output.Length > 0 && output[0].SameAs(input[0]);
        bool channelsKept = output.Length > 1 && output[1].Is(x.Value.Value.Channels);
        bool restOnes(Dim[] s) => s.Skip(2).All(d => d.Is(1));
        if (batchKept && channelsKept && restOnes(input) && restOnes(output) && output.Length is 2 or 4)
        {
            context.Alias(node, 0, x.Value, output.Length);
            return;
        }
        context.Refuse(node, $"{node.OpType} of a feature map {Shapes.Text(input)} to {Shapes.Text(output)}: " +
            "feature maps are reshaped only between (N, C, 1, 1) and (N, C) (a channel shuffle's Reshape-Transpose-Reshape is fused)");
    }
}
