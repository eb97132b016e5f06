namespace NativeConv;

internal sealed partial class AddOp
{
    /// <summary>a + b and its bound E_a + E_b + u·(|a + b| + E_a + E_b), then the activation's; magnitude |a| terms + |b| terms (through a smooth activation as ReferenceActivation.Magnitude makes it), budget + u + the activation's rounding.</summary>
    public override ReferenceTensor[] Reference(ReferenceTensor[] inputs, ReferenceContext context) => [Sum(inputs[0], inputs[1], Activation)];

    internal static ReferenceTensor Sum(ReferenceTensor a, ReferenceTensor b, Activation activation)
    {
        const double u = ReferenceContext.U;
        var value = new double[a.Value.Length];
        var bound = new double[value.Length];
        var magnitude = new double[value.Length];
        for (int i = 0; i < value.Length; i++)
        {
            double sum = a.Value[i] + b.Value[i], e = a.Bound[i] + b.Bound[i];
            if (activation.Kind == ActivationKind.None) (value[i], bound[i]) = (sum, e + u * (Math.Abs(sum) + e));
            else ReferenceActivation.Apply(activation, sum, e + u * (Math.Abs(sum) + e), out value[i], out bound[i]);
            magnitude[i] = ReferenceActivation.Magnitude(activation, a.Magnitude[i] + b.Magnitude[i], value[i]);
        }
        return new ReferenceTensor(a.Shape, value, bound, magnitude, Math.Max(a.RelativeBudget, b.RelativeBudget) + u + ReferenceActivation.FusedRounding(activation));
    }
}
