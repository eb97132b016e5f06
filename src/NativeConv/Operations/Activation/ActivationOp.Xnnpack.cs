namespace NativeConv;

internal sealed partial class ActivationOp : IXnnpackOperation, IXnnpackNode
{
    /// <summary>Per shape, XNNPACK's operator(s) where <see cref="XnnpackActivations.OnXnnpack"/> says they measured faster than the managed pass for its size, else that.</summary>
    public OpKernel? LowerXnnpack(XnnpackBackend backend) =>
        PassKernel(backend, backend.Pool, length => XnnpackActivations.Pass(Activation, length, backend.Pool?.Value ?? default));

    /// <summary>Its node(s) (<see cref="XnnpackSubgraph.Activation"/>).</summary>
    public void Define(XnnpackSubgraph subgraph, IDisposable? statics, ReadOnlySpan<uint> inputs, ReadOnlySpan<uint> outputs, OpShapes shapes) =>
        subgraph.Activation(Activation, inputs[0], outputs[0], shapes.Output);
}
