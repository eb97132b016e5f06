using NativeConv.Interop.Xnnpack;
using static NativeConv.Interop.Xnnpack.Xnn;

namespace NativeConv;

internal sealed partial class AddOp : IXnnpackNode, IXnnpackOperation
{
    /// <summary>
    /// The managed add (XNNPACK's binary operator takes no output bounds here, so a clamp after it would be a pass of its
    /// own), then the activation on XNNPACK's operator where <see cref="XnnpackActivations.OnXnnpack"/> says it measured
    /// faster for the size; with no activation, null: the managed kernel.
    /// </summary>
    public OpKernel? LowerXnnpack(XnnpackBackend backend) => Activation.Kind == ActivationKind.None ? null
        : new LeasedKernel(backend.Name, backend.Pool, (op, shapes) => new Step(op, shapes, XnnpackActivations.Pass(Activation, shapes.Output.Length, backend.Pool?.Value ?? default)));

    /// <summary>An Add node; a ReLU, ReLU6 or clamp after it as the node's output bounds, any other activation a node of its own.</summary>
    public unsafe void Define(XnnpackSubgraph subgraph, IDisposable? statics, ReadOnlySpan<uint> inputs, ReadOnlySpan<uint> outputs, OpShapes shapes)
    {
        (float min, float max, ActivationKind pass) = XnnpackActivations.Lower(Activation);
        var bounds = new xnn_binary_params { output_min = min, output_max = max };
        uint sum = pass == ActivationKind.None ? outputs[0] : subgraph.Tensor(shapes.Output);
        bool clamped = Activation.Kind != ActivationKind.None && pass == ActivationKind.None; // no bounds otherwise: the plain add, NaN kept
        subgraph.Check(xnn_define_binary(subgraph.Handle, xnn_binary_operator.xnn_binary_add, clamped ? &bounds : null, inputs[0], inputs[1], sum, 0), nameof(xnn_define_binary));
        if (pass != ActivationKind.None) subgraph.Activation(Activation, sum, outputs[0], shapes.Output);
    }
}
