namespace NativeConv.Testing;

/// <summary>
/// A network evaluated by its operations' references (<see cref="GraphOp.Reference"/>, the rules in
/// <see cref="ReferenceContext"/>): in double precision, each value with the derived bound on any float32 evaluation's
/// error, straight from the operations' definitions, never the library's kernels or runner.
/// </summary>
public static class NetworkEvaluation
{
    public const double U = ReferenceContext.U;

    /// <summary>The relative error of a product of two operands each rounded to bfloat16: 2·2⁻⁸ + 2⁻¹⁶.</summary>
    public const double BFloat16Products = ReferenceContext.BFloat16Products;

    /// <param name="foldedFromBatchNorm">Add the folding term: the reference is the unfolded model (e.g. PyTorch's), not the folded weights.</param>
    /// <param name="productRounding">0 for float32 convolutions, <see cref="BFloat16Products"/> for bfloat16 ones.</param>
    public static ReferenceTensor Run(IEnumerable<NetworkBlock> blocks, ReferenceTensor input, bool foldedFromBatchNorm, double productRounding = 0) =>
        Run(ConvNetwork.GraphOf(blocks), [input], foldedFromBatchNorm, productRounding)[0];

    /// <summary>Every output of <paramref name="graph"/>, in its output order.</summary>
    public static ReferenceTensor[] Run(NetworkGraph graph, IReadOnlyList<ReferenceTensor> inputs, bool foldedFromBatchNorm, double productRounding = 0)
    {
        ReferenceTensor[] values = graph.Reference(inputs, new ReferenceContext(foldedFromBatchNorm, productRounding));
        return graph.OutputValues.Select(v => values[v]).ToArray();
    }
}
