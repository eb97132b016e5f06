namespace NativeConv;

/// <summary>
/// An activation in the references (<see cref="GraphOp.Reference"/>): its value in double and the bound carried
/// through it: the Lipschitz constant times the incoming error, its own evaluation's roundings, and u·|y| for storing.
/// </summary>
internal static class ReferenceActivation
{
    /// <param name="pre">The exact value before the activation.</param>
    /// <param name="error">The bound on a float32 evaluation's error in <paramref name="pre"/>.</param>
    public static void Apply(Activation activation, double pre, double error, out double value, out double bound)
    {
        const double u = ReferenceContext.U;
        value = activation.Apply(pre);
        double widened = Math.Abs(pre) + error;
        bound = activation.Kind switch
        {
            ActivationKind.HardSwish => 1.5 * error + 4 * u * widened * (widened / 6 + 1),
            ActivationKind.HardSigmoid => error / 6 + 4 * u * (widened / 6 + 1),
            _ => error, // ReLU, ReLU6, clamps: 1-Lipschitz and exact
        } + u * (Math.Abs(value) + error);
    }
}
