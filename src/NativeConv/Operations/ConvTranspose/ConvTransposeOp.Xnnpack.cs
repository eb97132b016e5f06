using static NativeConv.Interop.Xnnpack.Xnn;

namespace NativeConv;

internal sealed partial class ConvTransposeOp : IXnnpackNode
{
    /// <summary>The filter in XNNPACK's deconvolution order and the bias, in native memory the runtimes point at.</summary>
    public unsafe IDisposable? CreateStatics()
    {
        // XNNPACK's adjustment must stay below the stride; PyTorch allows output padding up to the dilation (the operator
        // path appends zero input rows for that; a subgraph has no step to do it in).
        if (TransposedLowering.Of(Spec).ExtendsInput)
            throw new NotSupportedException($"'{Name}' ({Spec}): its output padding reaches a stride step past the full output, which XNNPACK's subgraph cannot make; run it operation by operation");
        float[] filter = XnnpackDeconvRecipe.ToXnnpackOrder(Spec, Weights);
        var statics = new XnnpackFilterStatics { Filter = new NativeFloatBuffer(filter.Length), Bias = Spec.HasBias ? new NativeFloatBuffer(Bias.Length) : null };
        filter.CopyTo(new Span<float>(statics.Filter.Pointer, filter.Length));
        if (statics.Bias is { } b) Bias.CopyTo(new Span<float>(b.Pointer, Bias.Length));
        return statics;
    }

    /// <summary>A Deconvolution 2D node, ReLU, ReLU6 and clamps as its output bounds, any other activation a node after it.</summary>
    public unsafe void Define(XnnpackSubgraph subgraph, IDisposable? statics, ReadOnlySpan<uint> inputs, ReadOnlySpan<uint> outputs, OpShapes shapes)
    {
        var s = (XnnpackFilterStatics)statics!;
        nuint* filterDims = stackalloc nuint[] { (nuint)Spec.OutChannels, (nuint)Spec.Kernel.Height, (nuint)Spec.Kernel.Width, (nuint)Spec.InChannelsPerGroup };
        uint filter = subgraph.Static(4, filterDims, s.Filter.Pointer);
        uint bias = XNN_INVALID_VALUE_ID;
        if (s.Bias is { } b)
        {
            nuint biasDims = (nuint)Spec.OutChannels;
            bias = subgraph.Static(1, &biasDims, b.Pointer);
        }
        (float min, float max, ActivationKind pass) = XnnpackActivations.Lower(Spec.Activation);
        uint result = pass == ActivationKind.None ? outputs[0] : subgraph.Tensor(shapes.Output);
        // XNNPACK (4ea82e5) sizes its stride² sub-convolutions in size_t, which wraps on an output of fewer than stride − 1
        // rows (columns) and writes outside it (the operator path grows such shapes; a subgraph cannot).
        if (XnnpackDeconvRecipe.SplitsIntoSubconvolutions(Spec) && (shapes.Output.Height < Spec.Stride.Height - 1 || shapes.Output.Width < Spec.Stride.Width - 1))
            throw new NotSupportedException($"'{Name}' ({Spec}) on {shapes.Input}: an output this small is one XNNPACK's subgraph computes wrongly; run it operation by operation");
        TransposedLowering l = TransposedLowering.Of(Spec);
        Padding2D p = Spec.Padding;
        subgraph.Check(xnn_define_deconvolution_2d(subgraph.Handle, (uint)p.Top, (uint)l.PadRight, (uint)l.PadBottom, (uint)p.Left,
            (uint)l.AdjustHeight, (uint)l.AdjustWidth, (uint)Spec.Kernel.Height, (uint)Spec.Kernel.Width,
            (uint)Spec.Stride.Height, (uint)Spec.Stride.Width, (uint)Spec.Dilation.Height, (uint)Spec.Dilation.Width, (uint)Spec.Groups,
            (nuint)Spec.InChannelsPerGroup, (nuint)Spec.OutChannelsPerGroup, min, max, inputs[0], filter, bias, result, 0), nameof(xnn_define_deconvolution_2d));
        if (pass != ActivationKind.None) subgraph.Activation(Spec.Activation, result, outputs[0], shapes.Output);
    }
}
