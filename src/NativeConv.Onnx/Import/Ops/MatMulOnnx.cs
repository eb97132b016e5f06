namespace NativeConv.Onnx;

/// <summary>
/// MatMul of a (N, K) feature map by a constant (K, M), with the bias of an Add after it (<see cref="MatMulAddFusion"/>)
/// as its third input: <see cref="GraphBuilder.Linear"/> with weights Bᵀ.
/// </summary>
internal sealed class MatMulOnnx : OnnxOp
{
    public override IReadOnlyList<string> OpTypes => ["MatMul"];

    public override string Summary => "MatMul of a (N, K) feature map by a constant (K, M), with an Add of a bias after it";

    /// <summary>Two inputs in a file; a third (the bias) once <see cref="MatMulAddFusion"/> gave it one.</summary>
    public override (int Min, int Max) Arity(string opType) => (2, 3);

    /// <summary>Gemm's rule without its attributes: (N, K) by (K, M) is (N, M).</summary>
    public override void Infer(Node node, InferContext context) => Gemm.Infer(node, context);

    private static readonly GemmOnnx Gemm = new();

    public override void Lower(Node node, LowerContext context)
    {
        Tensor? b = context.Constant(node, 1), bias = node.HasInput(2) ? context.Constant(node, 2) : null;
        FeatureMap? a = context.Map(node, 0);
        string? reason = context.NotMap(node, 0, "A")
            ?? (b is not { IsReal: true, Rank: 2 } ? $"B is not a float constant matrix{(context.Info(node, 1)?.Shape is { } s ? $" ({Shapes.Text(s)})" : "")}"
            : a is { Rank: not 2 } r ? $"A is a rank-{r.Rank} feature map, not (N, K)"
            : a is { } x && x.Value.Channels != b.Dims[0] ? $"A has {x.Value.Channels} features, B [{string.Join(", ", b.Dims)}] takes {b.Dims[0]}" : null);
        if (context.Stops(node, reason)) return;
        int k = (int)b!.Dims[0], m = (int)b.Dims[1];
        var w = new float[m * k];
        for (int i = 0; i < k; i++)
            for (int j = 0; j < m; j++)
                w[j * k + i] = (float)b.Reals![i * m + j];
        GemmOnnx.Linear(node, context, a!.Value, w, bias?.Floats() ?? [], m);
    }
}
