namespace NativeConv;

internal sealed partial class MaxPoolOp
{
    /// <summary>
    /// The window's largest input (NaN if any is NaN, −∞ over no input), exact: a max of values each off by at most E is
    /// off by at most the window's largest E; magnitude the window's largest, budget unchanged.
    /// </summary>
    public override ReferenceTensor[] Reference(ReferenceTensor[] inputs, ReferenceContext context) =>
        Reference(inputs[0], inputs[0].RelativeBudget, static (x, taps, _, _) =>
        {
            double max = double.NegativeInfinity, e = 0, m = 0;
            foreach (int i in taps)
            {
                if (!double.IsNaN(max) && (x.Value[i] > max || double.IsNaN(x.Value[i]))) max = x.Value[i]; // NaN sticks, as in PyTorch
                e = Math.Max(e, x.Bound[i]);
                m = Math.Max(m, x.Magnitude[i]);
            }
            return (max, e, m);
        });
}
