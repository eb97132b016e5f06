namespace NativeConv;

/// <summary>
/// How the operations' references (<see cref="GraphOp.Reference"/>) evaluate a network: in double precision, straight
/// from each operation's definition (not the library's kernels or runner), carrying for every element a derived bound
/// on the error of any float32 evaluation that sums in any order. With u = 2⁻²⁴ and E the bound on an input, each
/// operation states its own rule in its reference (a convolution of n = (in/groups)·kh·kw + 1 terms and
/// A = Σ|w|·(|x| + E) + |b| adds Σ|w|·E + 2·n·u·A, since γₙ₊₁ ≤ 2(n + 1)u covers every product and sum in any order;
/// an activation multiplies by its Lipschitz constant and adds its evaluation's roundings; storing a result adds
/// u·|y|). The double evaluations' own errors (this one's, and a peer's such as PyTorch in float64) are of the same
/// form with 2⁻⁵³ and are added the same way, twice. Everything is exact-arithmetic reasoning with the γ bounds, no
/// tuned constant.
/// <para>
/// The worst-case bound multiplies by Σ|w| at every layer, so over a deep network it says nothing. For a whole network
/// the first-order budget is kept too: each operation adds its own γ-term relative to the magnitude of its terms, and
/// an error already carried as a fraction r of each input's value passes through the next convolution as at most
/// r·Σ|w·x|; the bound on the final outputs is RelativeBudget · Σ|w·x| of the last convolution
/// (<see cref="ReferenceTensor.Magnitude"/>): the sum of the accumulation lengths along the network. It ignores
/// amplification by cancellation and by activation slopes above 1 in relative terms: that is what makes it first-order.
/// </para>
/// </summary>
/// <param name="FoldedFromBatchNorm">
/// The reference is the unfolded model (e.g. PyTorch's with its BatchNorms), not the folded weights: each convolution
/// adds u·A, for each folded weight and bias was rounded once from its exact value.
/// </param>
/// <param name="ProductRounding">
/// 0 for float32 convolutions; <see cref="BFloat16Products"/> for bfloat16 ones (each weight and input rounded to
/// bfloat16 first, each product then off by at most that fraction of |w|·(|x| + E)).
/// </param>
public sealed record ReferenceContext(bool FoldedFromBatchNorm = false, double ProductRounding = 0)
{
    /// <summary>float32's unit roundoff, 2⁻²⁴.</summary>
    public const double U = 1.0 / (1 << 24);

    /// <summary>This evaluation's and a double-precision peer's unit roundoff, 2·2⁻⁵³.</summary>
    public const double UDouble = 2.0 / (1L << 53);

    /// <summary>The relative error of a product of two operands each rounded to bfloat16: 2·2⁻⁸ + 2⁻¹⁶.</summary>
    public const double BFloat16Products = 2.0 / 256 + 1.0 / 65536;
}
