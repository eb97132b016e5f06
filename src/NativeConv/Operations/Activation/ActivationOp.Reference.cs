namespace NativeConv;

internal sealed partial class ActivationOp
{
    /// <summary>
    /// The activation of each element in double and its bound (<see cref="ReferenceActivation"/>: the Lipschitz constant
    /// times the incoming error, the implementations' own error, the rounding to float); magnitude and relative budget as
    /// the input's, plus the evaluation's relative term.
    /// </summary>
    public override ReferenceTensor[] Reference(ReferenceTensor[] inputs, ReferenceContext context)
    {
        ReferenceTensor x = inputs[0];
        var value = new double[x.Value.Length];
        var bound = new double[value.Length];
        for (int i = 0; i < value.Length; i++) ReferenceActivation.Apply(Activation, x.Value[i], x.Bound[i], out value[i], out bound[i]);
        return [new ReferenceTensor(x.Shape, value, bound, x.Magnitude, x.RelativeBudget + ReferenceActivation.RelativeRounding(Activation))];
    }
}
