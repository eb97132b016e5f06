namespace NativeConv;

internal sealed partial class AddOp : IOneDnnOperation
{
    /// <summary>
    /// Where the add is not fused into the convolution before it: the managed add, then the activation as oneDNN's
    /// eltwise primitive where <see cref="OneDnnActivations.OnOneDnn"/> says it measured faster for the size; with no
    /// activation, null: the managed kernel.
    /// </summary>
    public OpKernel? LowerOneDnn(OneDnnBackend backend) => Activation.Kind == ActivationKind.None ? null
        : new LeasedKernel(backend.Name, backend.Engine, (op, shapes) => new Step(op, shapes, OneDnnActivations.Pass(backend, Activation, shapes.Output.Length)));
}
