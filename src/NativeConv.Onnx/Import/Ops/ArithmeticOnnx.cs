namespace NativeConv.Onnx;

/// <summary>
/// Add, Sub, Mul, Div. Of two feature maps: Add (same shape; with the activation a fusion gave it) and Mul (same shape,
/// or one (N, C, 1, 1): squeeze-and-excitation's gate). Of a feature map and a per-channel (or scalar) constant: a
/// depthwise 1x1 convolution (<see cref="ChannelAffine"/>). Of constants: folded (shape arithmetic).
/// </summary>
internal sealed class ArithmeticOnnx : OnnxOp
{
    public override IReadOnlyList<string> OpTypes => ["Add", "Sub", "Mul", "Div"];

    public override string Summary => "Add and Mul of feature maps (Mul: same shape or per channel), Add/Sub/Mul/Div by a per-channel constant, any of constants";

    public override (int Min, int Max) Arity(string opType) => (2, 2);

    public override void Infer(Node node, InferContext context)
    {
        ValueInfo? a = context.In(node, 0), b = context.In(node, 1);
        if (a?.Constant is { } x && b?.Constant is { } y && context.CanFold(node, Shapes.Broadcast(node, x.Shape, y.Shape).Aggregate(1L, (p, d) => p * d.Size!.Value)))
        {
            context.Fold(node, 0, Broadcasting.Fold(node, x, y, Real(node.OpType), Integer(node.OpType)));
            return;
        }
        context.Set(node, 0, a?.Shape is { } sa && b?.Shape is { } sb
            ? new ValueInfo(a.Type, Shapes.Broadcast(node, sa, sb))
            : ValueInfo.UnknownOf(a?.Type ?? ElementType.Float));
    }

    private static Func<double, double, double> Real(string op) => op switch
    {
        "Add" => (x, y) => x + y,
        "Sub" => (x, y) => x - y,
        "Mul" => (x, y) => x * y,
        _ => (x, y) => x / y,
    };

    /// <summary>Integer arithmetic as ONNX defines it (division truncates); null for a division by zero (left unknown).</summary>
    private static Func<long, long, long?> Integer(string op) => op switch
    {
        "Add" => (x, y) => unchecked(x + y),
        "Sub" => (x, y) => unchecked(x - y),
        "Mul" => (x, y) => unchecked(x * y),
        _ => (x, y) => y == 0 ? null : x / y,
    };

    public override void Lower(Node node, LowerContext context)
    {
        if (context.AnyMissing(node))
        {
            context.Skip(node);
            return;
        }
        FeatureMap? a = context.Map(node, 0), b = context.Map(node, 1);
        string? reason = (a, b) switch
        {
            ({ } x, { } y) => Maps(node, context, x, y),
            ({ } x, null) => WithConstant(node, context, x, context.Constant(node, 1)!, mapFirst: true),
            (null, { } y) => WithConstant(node, context, y, context.Constant(node, 0)!, mapFirst: false),
            _ => context.Graph.Notes.GetValueOrDefault(node) ?? "its inputs are constants that were not folded",
        };
        if (reason is not null) context.Refuse(node, reason);
    }

    private static string? Maps(Node node, LowerContext context, FeatureMap a, FeatureMap b)
    {
        Dim[]? sa = context.Info(node, 0)?.Shape, sb = context.Info(node, 1)?.Shape;
        if (a.Rank != b.Rank) return $"{node.OpType} of a rank-{a.Rank} and a rank-{b.Rank} feature map";
        if (a.Value.Channels != b.Value.Channels) return $"{node.OpType} of {a.Value.Channels} and {b.Value.Channels} channels";
        switch (node.OpType)
        {
            case "Add":
                // Known to differ, or one side broadcast (a 1 against a size bound at a call): AddOp adds equal shapes only.
                if (sa is not null && sb is not null && sa.Zip(sb).Any(p => !p.First.SameAs(p.Second) && (p.First.IsKnown && p.Second.IsKnown || p.First.Is(1) || p.Second.Is(1))))
                    return $"Add of {Shapes.Text(sa)} and {Shapes.Text(sb)}: feature maps are added only in the same shape";
                context.Define(node, 0, context.Builder.Add(a.Value, b.Value, node.Activation, context.Name(node)), a.Rank);
                return null;
            case "Mul":
                // The gate is the operand that is (N, C, 1, 1) where the other may not be.
                bool bIsGate = sb is not null && sb.Length == 4 && sb[2].Is(1) && sb[3].Is(1);
                bool aIsGate = sa is not null && sa.Length == 4 && sa[2].Is(1) && sa[3].Is(1) && !bIsGate;
                (FeatureMap x, FeatureMap scale) = aIsGate ? (b, a) : (a, b);
                if (node.Activation.Kind != ActivationKind.None) return "Mul with an activation after it";
                context.Define(node, 0, context.Builder.Multiply(x.Value, scale.Value, context.Name(node)), x.Rank);
                return null;
            default:
                return $"{node.OpType} of two feature maps (only Add and Mul)";
        }
    }

    private static string? WithConstant(Node node, LowerContext context, FeatureMap x, Tensor constant, bool mapFirst)
    {
        int channels = x.Value.Channels;
        if (ChannelAffine.PerChannel(constant, channels, x.Rank) is not { } c)
            return $"{node.OpType} by a constant {constant} that is not one value per channel of a {channels}-channel feature map";
        if (node.OpType == "Div" && !mapFirst) return "Div of a constant by a feature map";
        (double[] scale, double[]? shift) = node.OpType switch
        {
            "Add" => (Ones(channels), c),
            "Sub" when mapFirst => (Ones(channels), c.Select(v => -v).ToArray()),
            "Sub" => (Ones(channels).Select(v => -v).ToArray(), c),
            "Mul" => (c, null),
            _ => (c.Select(v => 1 / v).ToArray(), (double[]?)null),
        };
        ChannelAffine.Lower(node, context, x, scale.Select(v => (float)v).ToArray(), shift?.Select(v => (float)v).ToArray(), node.Activation);
        return null;
    }

    private static double[] Ones(int n) => Enumerable.Repeat(1.0, n).ToArray();
}
