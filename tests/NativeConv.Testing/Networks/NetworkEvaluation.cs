using System.Numerics.Tensors;

namespace NativeConv.Testing;

/// <summary>
/// An independent evaluation of a list of blocks in double precision, straight from the public block
/// definitions (not the library's graph or runner), carrying for every element a derived bound on the
/// error of any float32 evaluation that sums in any order. With u = 2⁻²⁴ and E the bound on an input:
/// <list type="bullet">
/// <item>convolution, n = (in/groups)·kh·kw + 1 terms, A = Σ|w|·(|x| + E) + |b|:
/// E' = Σ|w|·E + 2·n·u·A (γₙ₊₁ ≤ 2(n+1)u covers every product and sum, in any order; the computed
/// inputs differ from the exact ones by at most E, hence |x| + E); when the weights came from a folded
/// BatchNorm and the reference is the unfolded model, + u·A (each folded weight and bias was rounded
/// once from its exact value);</item>
/// <item>activation: Lipschitz constant L times E' (1 for ReLU, ReLU6 and clamps, 1.5 for HardSwish,
/// 1/6 for HardSigmoid), plus its evaluation's roundings (HardSwish 4u·|x|(|x|/6 + 1), HardSigmoid
/// 4u(|x|/6 + 1), with |x| widened by E'), plus u·|y| for storing the result;</item>
/// <item>residual add: E_a + E_b + u·(|a + b| + E_a + E_b);</item>
/// <item>global average pool over m pixels: mean(E) + 2(m + 1)·u·mean(|x| + E) (the sum, the rounded 1/m,
/// the product);</item>
/// <item>per-channel scale x·s: E_x·|s| + (|x| + E_x)·E_s + u·(|x| + E_x)(|s| + E_s).</item>
/// </list>
/// With bfloat16 products (<see cref="BFloat16Products"/>), each convolution first rounds every weight and
/// input to bfloat16 (8 significant bits, relative 2⁻⁸ each), so each product is off by at most
/// (2·2⁻⁸ + 2⁻¹⁶)·|w|·(|x| + E), its exact value then summed in float32: that term joins the γ-term per
/// convolution. It covers a value kept in bfloat16 between convolutions too: that is the rounding of its
/// reader's input, done once at the store instead of at the read.
/// The double evaluations' own errors (this one's, and a peer's such as PyTorch in float64) are of the
/// same form with 2⁻⁵³ and are added the same way, twice.
/// Everything is exact-arithmetic reasoning with the γ bounds, no tuned constant.
/// <para>
/// The worst-case bound multiplies by Σ|w| at every layer, so over a deep network it says nothing. For a
/// whole network the first-order budget is kept too: each operation adds its own γ-term relative to the
/// magnitude of its terms (a convolution 2(n + 1)u, + u when folded; an add u; a pool 2(m + 1)u; a scale
/// 2u), and an error already carried as a fraction r of each input's value passes through the next
/// convolution as at most r·Σ|w·x| (Σ|w|·r|x|), the same fraction of that convolution's terms. Taking
/// that fraction again of the convolution's value, rather than of its terms, ignores amplification by
/// cancellation (|y| ≪ Σ|w·x|) and by activation slopes above 1 in relative terms: that is what makes it
/// first-order. The bound on the final outputs is RelativeBudget · Σ|w·x| of the last convolution
/// (<see cref="BoundedTensor.Magnitude"/>): the sum of the accumulation lengths along the network.
/// </para>
/// </summary>
public static class NetworkEvaluation
{
    public const double U = 1.0 / (1 << 24);
    private const double UDouble = 2.0 / (1L << 53); // this evaluation's and a double-precision peer's

    /// <summary>The relative error of a product of two operands each rounded to bfloat16: 2·2⁻⁸ + 2⁻¹⁶.</summary>
    public const double BFloat16Products = 2.0 / 256 + 1.0 / 65536;

    /// <param name="foldedFromBatchNorm">Add the folding term: the reference is the unfolded model (e.g. PyTorch's), not the folded weights.</param>
    /// <param name="productRounding">0 for float32 convolutions, <see cref="BFloat16Products"/> for bfloat16 ones.</param>
    public static BoundedTensor Run(IEnumerable<NetworkBlock> blocks, BoundedTensor input, bool foldedFromBatchNorm, double productRounding = 0)
    {
        BoundedTensor x = input;
        foreach (NetworkBlock block in blocks) x = Block(block, x, foldedFromBatchNorm, productRounding);
        return x;
    }

    private static BoundedTensor Block(NetworkBlock block, BoundedTensor x, bool folded, double p) => block switch
    {
        ConvBlock conv => Conv(conv, x, folded, p),
        SeparableBlock s => Conv(s.Pointwise, Conv(s.Depthwise, x, folded, p), folded, p),
        InvertedResidualBlock r => Residual(r.HasResidual, x, Conv(r.Project, Conv(r.Depthwise, r.Expand is null ? x : Conv(r.Expand, x, folded, p), folded, p), folded, p)),
        BottleneckBlock b => Residual(b.HasResidual, x, Conv(b.Project,
            Excite(b.SqueezeExcitation, Conv(b.Depthwise, b.Expand is null ? x : Conv(b.Expand, x, folded, p), folded, p), folded, p), folded, p)),
        GlobalAveragePoolBlock => Pool(x),
        _ => throw new InvalidOperationException($"no evaluation for {block}"),
    };

    private static BoundedTensor Residual(bool add, BoundedTensor input, BoundedTensor y) => add ? Add(y, input) : y;

    private static BoundedTensor Excite(SqueezeExcitation? se, BoundedTensor x, bool folded, double p) =>
        se is null ? x : Scale(x, Conv(se.Expand, Conv(se.Reduce, Pool(x), folded, p), folded, p));

    public static BoundedTensor Conv(ConvBlock block, BoundedTensor x, bool folded, double productRounding = 0)
    {
        Conv2dSpec spec = block.Spec;
        ConvGeometry g = spec.Geometry(x.Shape.Batch, x.Shape.Height, x.Shape.Width);
        var shape = new TensorShape(g.Batch, g.OutChannels, g.OutHeight, g.OutWidth);
        var value = new double[shape.Length];
        var bound = new double[shape.Length];
        var magnitude = new double[shape.Length];
        double[] w = block.Weights.ToArray().Select(v => (double)v).ToArray();
        double[] wAbs = w.Select(Math.Abs).ToArray();
        double[] b = block.Bias.ToArray().Select(v => (double)v).ToArray();
        // |x| + E: the largest magnitude the computed input can have.
        var xMax = new double[x.Value.Length];
        for (int i = 0; i < xMax.Length; i++) xMax[i] = Math.Abs(x.Value[i]) + x.Bound[i];
        double[] xAbs = x.Value.Select(Math.Abs).ToArray();
        int icg = spec.InChannelsPerGroup, ocg = spec.OutChannelsPerGroup, kh = spec.Kernel.Height, kw = spec.Kernel.Width;
        int cin = x.Shape.Channels, cout = spec.OutChannels, terms = icg * kh * kw + 1;
        double foldTerm = folded ? U : 0, accumulation = 2.0 * terms * (U + UDouble) + foldTerm + productRounding;
        for (int n = 0; n < g.Batch; n++)
        for (int oy = 0; oy < g.OutHeight; oy++)
        for (int ox = 0; ox < g.OutWidth; ox++)
        {
            int o0 = ((n * g.OutHeight + oy) * g.OutWidth + ox) * cout;
            if (spec.IsPointwise)
            {
                int i0 = ((n * x.Shape.Height + oy) * x.Shape.Width + ox) * cin;
                ReadOnlySpan<double> xv = x.Value.AsSpan(i0, cin), xe = x.Bound.AsSpan(i0, cin), xm = xMax.AsSpan(i0, cin);
                for (int oc = 0; oc < cout; oc++)
                {
                    ReadOnlySpan<double> wr = w.AsSpan(oc * cin, cin), wa = wAbs.AsSpan(oc * cin, cin);
                    double bias = spec.HasBias ? b[oc] : 0;
                    double pre = TensorPrimitives.Dot(wr, xv) + bias;
                    double a = TensorPrimitives.Dot(wa, xm) + Math.Abs(bias);
                    Activate(spec.Activation, pre, TensorPrimitives.Dot(wa, xe) + accumulation * a, out value[o0 + oc], out bound[o0 + oc]);
                    magnitude[o0 + oc] = TensorPrimitives.Dot(wa, xAbs.AsSpan(i0, cin)) + Math.Abs(bias);
                }
                continue;
            }
            for (int oc = 0; oc < cout; oc++)
            {
                double bias = spec.HasBias ? b[oc] : 0, pre = bias, propagated = 0, a = Math.Abs(bias), m = Math.Abs(bias);
                int group = oc / ocg;
                for (int ic = 0; ic < icg; ic++)
                for (int ky = 0; ky < kh; ky++)
                for (int kx = 0; kx < kw; kx++)
                {
                    int iy = oy * spec.Stride.Height - g.PadTop + ky * spec.Dilation.Height;
                    int ix = ox * spec.Stride.Width - g.PadLeft + kx * spec.Dilation.Width;
                    if (iy < 0 || iy >= x.Shape.Height || ix < 0 || ix >= x.Shape.Width) continue;
                    int xi = ((n * x.Shape.Height + iy) * x.Shape.Width + ix) * cin + group * icg + ic;
                    int wi = ((oc * icg + ic) * kh + ky) * kw + kx;
                    pre += w[wi] * x.Value[xi];
                    m += wAbs[wi] * xAbs[xi];
                    propagated += wAbs[wi] * x.Bound[xi];
                    a += wAbs[wi] * xMax[xi];
                }
                Activate(spec.Activation, pre, propagated + accumulation * a, out value[o0 + oc], out bound[o0 + oc]);
                magnitude[o0 + oc] = m;
            }
        }
        return new BoundedTensor(shape, value, bound, magnitude, x.RelativeBudget + accumulation);
    }

    private static void Activate(Activation activation, double pre, double error, out double value, out double bound)
    {
        value = activation.Apply(pre);
        double widened = Math.Abs(pre) + error;
        bound = activation.Kind switch
        {
            ActivationKind.HardSwish => 1.5 * error + 4 * U * widened * (widened / 6 + 1),
            ActivationKind.HardSigmoid => error / 6 + 4 * U * (widened / 6 + 1),
            _ => error, // ReLU, ReLU6, clamps: 1-Lipschitz and exact
        } + U * (Math.Abs(value) + error);
    }

    public static BoundedTensor Add(BoundedTensor a, BoundedTensor b)
    {
        var value = new double[a.Value.Length];
        var bound = new double[value.Length];
        for (int i = 0; i < value.Length; i++)
        {
            value[i] = a.Value[i] + b.Value[i];
            double e = a.Bound[i] + b.Bound[i];
            bound[i] = e + U * (Math.Abs(value[i]) + e);
        }
        var magnitude = new double[value.Length];
        for (int i = 0; i < value.Length; i++) magnitude[i] = a.Magnitude[i] + b.Magnitude[i];
        return new BoundedTensor(a.Shape, value, bound, magnitude, Math.Max(a.RelativeBudget, b.RelativeBudget) + U);
    }

    public static BoundedTensor Pool(BoundedTensor x)
    {
        TensorShape s = x.Shape;
        int c = s.Channels, m = s.Height * s.Width;
        var shape = s with { Height = 1, Width = 1 };
        var value = new double[shape.Length];
        var bound = new double[shape.Length];
        for (int n = 0; n < s.Batch; n++)
            for (int ch = 0; ch < c; ch++)
            {
                double sum = 0, e = 0, widened = 0;
                for (int p = 0; p < m; p++)
                {
                    int i = (n * m + p) * c + ch;
                    sum += x.Value[i];
                    e += x.Bound[i];
                    widened += Math.Abs(x.Value[i]) + x.Bound[i];
                }
                value[n * c + ch] = sum / m;
                bound[n * c + ch] = e / m + 2.0 * (m + 1) * U * widened / m;
            }
        var magnitude = new double[shape.Length];
        for (int n = 0; n < s.Batch; n++)
            for (int ch = 0; ch < c; ch++)
            {
                double sum = 0;
                for (int p = 0; p < m; p++) sum += x.Magnitude[(n * m + p) * c + ch];
                magnitude[n * c + ch] = sum / m;
            }
        return new BoundedTensor(shape, value, bound, magnitude, x.RelativeBudget + 2.0 * (m + 1) * U);
    }

    public static BoundedTensor Scale(BoundedTensor x, BoundedTensor scale)
    {
        TensorShape s = x.Shape;
        int c = s.Channels, m = s.Height * s.Width;
        var value = new double[x.Value.Length];
        var bound = new double[value.Length];
        for (int i = 0; i < value.Length; i++)
        {
            int k = i / (m * c) * c + i % c;
            double xv = x.Value[i], sv = scale.Value[k], ex = x.Bound[i], es = scale.Bound[k];
            value[i] = xv * sv;
            bound[i] = ex * Math.Abs(sv) + (Math.Abs(xv) + ex) * es + U * (Math.Abs(xv) + ex) * (Math.Abs(sv) + es);
        }
        var magnitude = new double[value.Length];
        for (int i = 0; i < value.Length; i++) magnitude[i] = x.Magnitude[i] * scale.Magnitude[i / (m * c) * c + i % c];
        return new BoundedTensor(s, value, bound, magnitude, x.RelativeBudget + scale.RelativeBudget + 2 * U);
    }
}
