namespace NativeConv.Onnx;

/// <summary>
/// Relu, Clip (ReLU6 for [0, 6], ReLU for [0, ∞), a clamp otherwise; bounds as attributes before opset 11, constant
/// inputs from it), HardSigmoid (PyTorch's: alpha 1/6, beta 1/2), HardSwish, Sigmoid and Tanh, and the SiLU and GELU
/// the fusions recognize (<see cref="FusedActivationOnnx"/>): fused into the operation before them
/// (<see cref="ActivationFusion"/>), elsewhere NativeConv's activation operation (<see cref="GraphBuilder.Activation"/>).
/// Folded on constants.
/// </summary>
internal sealed class ActivationOnnx : OnnxOp
{
    public override IReadOnlyList<string> OpTypes => ["Relu", "Clip", "HardSigmoid", "HardSwish", "Sigmoid", "Tanh"];

    public override string Summary => "Relu, Clip (constant bounds), HardSigmoid (alpha 1/6, beta 0.5), HardSwish, Sigmoid, Tanh";

    public override (int Min, int Max) Arity(string opType) => opType == "Clip" ? (1, 3) : (1, 1);

    /// <summary>PyTorch's hardsigmoid as ONNX writes it: relu6(x + 3) / 6 = clamp(x/6 + 1/2, 0, 1).</summary>
    private const float SixthAlpha = 1f / 6;

    public override void Infer(Node node, InferContext context) => InferActivation(node, context);

    /// <summary>An activation's rule: folded on a constant, else the input's type and shape.</summary>
    internal static void InferActivation(Node node, InferContext context)
    {
        ValueInfo? x = context.In(node, 0);
        if (x?.Constant is { IsReal: true } c && Of(node, context.Graph, out _) is { } activation)
        {
            context.Fold(node, 0, Tensor.Real(c.Type, c.Dims, c.Reals!.Select(v => RoundTo(c.Type, activation.Apply(v))).ToArray()));
            return;
        }
        context.Set(node, 0, x is null ? ValueInfo.UnknownOf(ElementType.Float) : x with { Constant = null });
    }

    /// <summary>The activation this node computes, or null with the reason NativeConv has none for it.</summary>
    public static Activation? Of(Node node, OnnxGraph graph, out string? reason)
    {
        reason = null;
        switch (node.OpType)
        {
            case "Relu":
                return Activation.ReLU;
            case "HardSwish":
                return Activation.HardSwish;
            case "Sigmoid":
                return Activation.Sigmoid;
            case "Tanh":
                return Activation.Tanh;
            case "SiLU" when node.Domain == OnnxGraph.NativeDomain:
                return Activation.SiLU;
            case "GELU" when node.Domain == OnnxGraph.NativeDomain:
                return Activation.GELU;
            case "HardSigmoid":
            {
                float alpha = node.Float("alpha", 0.2f), beta = node.Float("beta", 0.5f);
                if (alpha == SixthAlpha && beta == 0.5f) return Activation.HardSigmoid;
                reason = $"HardSigmoid alpha={alpha}, beta={beta}: only PyTorch's (alpha=1/6, beta=0.5)";
                return null;
            }
            case "Clip":
            {
                float min, max;
                if (graph.Opset < 11)
                {
                    min = node.Float("min", float.NegativeInfinity);
                    max = node.Float("max", float.PositiveInfinity);
                }
                else
                {
                    Tensor? lo = node.HasInput(1) ? graph.ConstantOf(node.Input(1)) : null, hi = node.HasInput(2) ? graph.ConstantOf(node.Input(2)) : null;
                    if ((node.HasInput(1) && lo is not { IsReal: true, Length: 1 }) || (node.HasInput(2) && hi is not { IsReal: true, Length: 1 }))
                    {
                        reason = "Clip bounds that are not constant scalars";
                        return null;
                    }
                    min = lo is null ? float.NegativeInfinity : (float)lo.Reals![0];
                    max = hi is null ? float.PositiveInfinity : (float)hi.Reals![0];
                }
                if (min == 0 && max == 6) return Activation.ReLU6;
                if (min == 0 && float.IsPositiveInfinity(max)) return Activation.ReLU;
                if (float.IsNegativeInfinity(min) && float.IsPositiveInfinity(max)) return Activation.None;
                try
                {
                    return Activation.Clamp(min, max);
                }
                catch (ArgumentException e)
                {
                    reason = $"Clip [{min}, {max}]: {e.Message}";
                    return null;
                }
            }
            default:
                reason = $"{node.OpType} is no activation";
                return null;
        }
    }

    public override void Lower(Node node, LowerContext context) => LowerActivation(node, context);

    /// <summary>A node computing an activation of its input, not fused into the operation before it.</summary>
    internal static void LowerActivation(Node node, LowerContext context)
    {
        Activation? activation = Of(node, context.Graph, out string? reason);
        if (context.Stops(node, reason ?? context.NotMap(node, 0))) return;
        FeatureMap x = context.Map(node, 0)!.Value;
        if (activation == Activation.None)
        {
            context.Alias(node, 0, x, x.Rank); // a Clip without bounds
            return;
        }
        // Not fused into the operation before it (read by others too, or no operation that takes one).
        context.Define(node, 0, context.Builder.Activation(x.Value, activation!.Value, context.Name(node)), x.Rank);
    }

    internal static double RoundTo(int type, double value) => type == ElementType.Float ? (float)value : type == ElementType.Float16 ? (double)(Half)value : value;
}
