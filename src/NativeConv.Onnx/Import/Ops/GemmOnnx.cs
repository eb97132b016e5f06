namespace NativeConv.Onnx;

/// <summary>
/// Gemm, alpha·A·B + beta·C, with A a (N, K) feature map (after a global pool and a Flatten or Reshape), B a constant
/// (K, M), or (M, K) with transB, and C a constant of M values (or one): <see cref="GraphBuilder.Linear"/>, weights
/// (M, K) scaled by alpha, bias by beta, with the activation a fusion gave it.
/// </summary>
internal sealed class GemmOnnx : OnnxOp
{
    public override IReadOnlyList<string> OpTypes => ["Gemm"];

    public override string Summary => "Gemm of a (N, K) feature map by constant weights (transA 0)";

    public override (int Min, int Max) Arity(string opType) => (2, 3);

    public override void Infer(Node node, InferContext context)
    {
        ValueInfo? a = context.In(node, 0);
        Tensor? b = context.Constant(node, 1);
        if (a?.Shape is not { Length: 2 } s || b is not { Rank: 2 })
        {
            context.Unknown(node);
            return;
        }
        bool transA = node.Int("transA", 0) != 0, transB = node.Int("transB", 0) != 0;
        context.Set(node, 0, new ValueInfo(a.Type, [transA ? s[1] : s[0], Dim.Of(transB ? b.Dims[0] : b.Dims[1])]));
    }

    public override void Lower(Node node, LowerContext context)
    {
        Tensor? b = context.Constant(node, 1), c = node.HasInput(2) ? context.Constant(node, 2) : null;
        FeatureMap? a = context.Map(node, 0);
        bool transB = node.Int("transB", 0) != 0;
        float alpha = node.Float("alpha", 1), beta = node.Float("beta", 1);
        string? reason = node.Int("transA", 0) != 0 ? "transA 1 (the feature map must be (N, K))"
            : context.NotMap(node, 0, "A") ?? (b is not { IsReal: true, Rank: 2 } ? "B is not a float constant matrix"
            : a is { Rank: not 2 } r ? $"A is a rank-{r.Rank} feature map, not (N, K)" : null);
        if (reason is null && b is not null)
        {
            long k = transB ? b.Dims[1] : b.Dims[0], m = transB ? b.Dims[0] : b.Dims[1];
            if (a is { } x && x.Value.Channels != k) reason = $"A has {x.Value.Channels} features, B [{string.Join(", ", b.Dims)}] takes {k}";
            else if (node.HasInput(2) && (c is not { IsReal: true } || (c.Length != m && c.Length != 1) || c.Dims.Take(c.Rank - 1).Any(d => d != 1)))
                reason = $"C is not a float constant of {m} values (or one)";
            if (reason is null && a is { } fm)
                Linear(node, context, fm, Weights(b, transB, alpha), c is null ? [] : Bias(c, (int)m, beta), (int)m);
        }
        context.Stops(node, reason);
    }

    /// <summary>(M, K) weights from B, scaled by alpha (each rounded once).</summary>
    private static float[] Weights(Tensor b, bool transB, double alpha)
    {
        int rows = (int)b.Dims[0], cols = (int)b.Dims[1];
        var w = new float[rows * cols];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++)
                w[transB ? i * cols + j : j * rows + i] = (float)(alpha * b.Reals![i * cols + j]);
        return w;
    }

    private static float[] Bias(Tensor c, int m, double beta) =>
        Enumerable.Range(0, m).Select(i => (float)(beta * c.Reals![c.Length == 1 ? 0 : i])).ToArray();

    /// <summary>The linear layer on the (N, K, 1, 1) value, its output (N, M) (shared with <see cref="MatMulOnnx"/>).</summary>
    internal static void Linear(Node node, LowerContext context, FeatureMap a, float[] weights, float[] bias, int outFeatures)
    {
        Value y = context.Builder.Linear(a.Value, outFeatures, weights, bias, node.Activation, context.Name(node));
        context.Define(node, 0, y, 2);
    }
}
