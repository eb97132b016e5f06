namespace NativeConv;

internal sealed partial class ActivationOp
{
    /// <summary>
    /// The activation of each element in double and its bound (<see cref="ReferenceActivation"/>: the Lipschitz constant
    /// times the incoming error, the implementations' own error, the rounding to float); the magnitude as
    /// <see cref="ReferenceActivation.Magnitude"/> makes it, the input's relative budget plus the evaluation's relative term.
    /// </summary>
    public override ReferenceTensor[] Reference(ReferenceTensor[] inputs, ReferenceContext context)
    {
        ReferenceTensor x = inputs[0];
        var value = new double[x.Value.Length];
        var bound = new double[value.Length];
        var magnitude = new double[value.Length];
        for (int i = 0; i < value.Length; i++)
        {
            ReferenceActivation.Apply(Activation, x.Value[i], x.Bound[i], out value[i], out bound[i]);
            magnitude[i] = ReferenceActivation.Magnitude(Activation, x.Magnitude[i], value[i]);
        }
        return [new ReferenceTensor(x.Shape, value, bound, magnitude, x.RelativeBudget + ReferenceActivation.RelativeRounding(Activation))];
    }
}
