namespace NativeConv;

internal sealed partial class ResizeOp
{
    /// <summary>
    /// Nearest: the input element <see cref="ResizeAxis.Nearest"/> picks, with its bound (an exact copy). Bilinear: the
    /// interpolation at the exact coordinates (clamped to the image), summing only the pixels of nonzero weight, so a NaN
    /// there is NaN here. Its bound for any float32 evaluation, with E and M the largest input bound and |x| + E over every
    /// pixel an evaluation may read:
    /// <list type="bullet">
    /// <item>E: the weights are convex, so input errors pass through at most as large;</item>
    /// <item>γ₁₁·M for the arithmetic at a given coordinate: four products of the pixels and weights computed in float32
    /// (1 − λ rounded, λ_h·λ_w rounded: γ₃ each) summed in any order (γ₄) is γ₇; two levels of float32 weighted sums is
    /// γ₇ too; two levels of lerps a + α·(b − a), XNNPACK's form, is at most 10u·M, below γ₁₁;</item>
    /// <item>2·M·(δ_h + δ_w) for the coordinates: an evaluation's coordinate is within δ = <see cref="ResizeAxis.CoordinateError"/>
    /// of the exact one (plus this evaluation's double roundings), and the interpolation's slope along an axis is at most
    /// the largest difference of neighbours, 2·M;</item>
    /// <item>5·u_double·M for this double evaluation itself.</item>
    /// </list>
    /// Magnitude: the largest of the four pixels' (the lerp form's terms are bounded by them); budget + γ₁₁ + 2(δ_h + δ_w).
    /// </summary>
    public override ReferenceTensor[] Reference(ReferenceTensor[] inputs, ReferenceContext context)
    {
        ReferenceTensor x = inputs[0];
        var output = new TensorShape[1];
        InferShapes(inputs.Select(i => i.Shape).ToArray(), output);
        (ResizeAxis rows, ResizeAxis columns) = Axes(new OpShapes([x.Shape], output));
        return [Spec.Mode == ResizeMode.Nearest ? Nearest(x, output[0], rows, columns) : Bilinear(x, output[0], rows, columns)];
    }

    private ReferenceTensor Nearest(ReferenceTensor x, TensorShape shape, ResizeAxis rows, ResizeAxis columns)
    {
        TensorShape s = x.Shape;
        int c = s.Channels;
        var value = new double[shape.Length];
        var bound = new double[value.Length];
        var magnitude = new double[value.Length];
        for (int n = 0; n < shape.Batch; n++)
            for (int oy = 0; oy < shape.Height; oy++)
            {
                int iy = rows.Nearest(oy, Spec.Rounding);
                for (int ox = 0; ox < shape.Width; ox++)
                {
                    int from = ((n * s.Height + iy) * s.Width + columns.Nearest(ox, Spec.Rounding)) * c, to = ((n * shape.Height + oy) * shape.Width + ox) * c;
                    Array.Copy(x.Value, from, value, to, c);
                    Array.Copy(x.Bound, from, bound, to, c);
                    Array.Copy(x.Magnitude, from, magnitude, to, c);
                }
            }
        return new ReferenceTensor(shape, value, bound, magnitude, x.RelativeBudget);
    }

    private static ReferenceTensor Bilinear(ReferenceTensor x, TensorShape shape, ResizeAxis rows, ResizeAxis columns)
    {
        TensorShape s = x.Shape;
        int c = s.Channels;
        double dh = rows.CoordinateError + 2 * ReferenceContext.UDouble * (s.Height + 1); // Exact's three double roundings
        double dw = columns.CoordinateError + 2 * ReferenceContext.UDouble * (s.Width + 1);
        double arithmetic = ResizeAxis.Gamma(11);
        var value = new double[shape.Length];
        var bound = new double[value.Length];
        var magnitude = new double[value.Length];
        for (int n = 0; n < shape.Batch; n++)
            for (int oy = 0; oy < shape.Height; oy++)
            {
                Span2 r = Span2.At(rows.Exact(oy), dh, s.Height);
                for (int ox = 0; ox < shape.Width; ox++)
                {
                    Span2 q = Span2.At(columns.Exact(ox), dw, s.Width);
                    for (int ch = 0; ch < c; ch++)
                    {
                        int Index(int iy, int ix) => ((n * s.Height + iy) * s.Width + ix) * c + ch;
                        double sum = 0, largestMagnitude = 0;
                        for (int cy = 0; cy < 2; cy++)
                            for (int cx = 0; cx < 2; cx++)
                            {
                                int i = Index(r.Corner(cy), q.Corner(cx));
                                double w = r.CornerWeight(cy) * q.CornerWeight(cx);
                                largestMagnitude = Math.Max(largestMagnitude, x.Magnitude[i]);
                                if (w != 0) sum += w * x.Value[i];
                            }
                        double e = 0, m = 0;
                        for (int iy = r.Low; iy <= r.High; iy++)
                            for (int ix = q.Low; ix <= q.High; ix++)
                            {
                                int i = Index(iy, ix);
                                // Comparisons, not Math.Max: a NaN pixel makes its outputs NaN through the sum, not every bound near it.
                                if (x.Bound[i] > e) e = x.Bound[i];
                                if (Math.Abs(x.Value[i]) + x.Bound[i] > m) m = Math.Abs(x.Value[i]) + x.Bound[i];
                            }
                        int o = ((n * shape.Height + oy) * shape.Width + ox) * c + ch;
                        value[o] = sum;
                        bound[o] = e + arithmetic * m + 2 * m * (dh + dw) + 5 * ReferenceContext.UDouble * m;
                        magnitude[o] = largestMagnitude;
                    }
                }
            }
        return new ReferenceTensor(shape, value, bound, magnitude, x.RelativeBudget + arithmetic + 2 * (dh + dw));
    }

    /// <summary>
    /// One axis of a bilinear output at exact coordinate x (clamped): its two pixels and their weights, and the pixels
    /// any evaluation within <c>delta</c> of x may read.
    /// </summary>
    private readonly record struct Span2(int First, int Second, double Weight, int Low, int High)
    {
        public static Span2 At(double x, double delta, int size)
        {
            double clamped = Math.Clamp(x, 0, size - 1);
            int first = (int)Math.Floor(clamped);
            int low = (int)Math.Floor(Math.Clamp(x - delta, 0, size - 1));
            int high = Math.Min((int)Math.Floor(Math.Clamp(x + delta, 0, size - 1)) + 1, size - 1);
            return new Span2(first, Math.Min(first + 1, size - 1), clamped - first, low, high);
        }

        public int Corner(int k) => k == 0 ? First : Second;

        public double CornerWeight(int k) => k == 0 ? 1 - Weight : Weight;
    }
}
