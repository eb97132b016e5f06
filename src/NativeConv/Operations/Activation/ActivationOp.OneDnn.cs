namespace NativeConv;

internal sealed partial class ActivationOp : IOneDnnOperation
{
    /// <summary>Per shape, oneDNN's eltwise primitive(s) where <see cref="OneDnnActivations.OnOneDnn"/> says they measured faster than the managed pass for its size, else that.</summary>
    public OpKernel? LowerOneDnn(OneDnnBackend backend) =>
        PassKernel(backend, backend.Engine, length => OneDnnActivations.Pass(backend, Activation, length));
}
