using static NativeConv.Interop.Xnnpack.Xnn;

namespace NativeConv;

internal sealed partial class ConvOp : IXnnpackNode
{
    /// <summary>The filter in XNNPACK's order (out, kh, kw, in/groups) and the bias, in native memory the runtimes point at.</summary>
    public unsafe IDisposable? CreateStatics()
    {
        ConvArguments.CheckParameters(Spec, Weights, Bias);
        var filter = new NativeFloatBuffer(Weights.Length);
        NativeFloatBuffer? bias = null;
        try
        {
            XnnpackConvRecipe.ToXnnpackOrder(Spec, Weights, new Span<float>(filter.Pointer, Weights.Length));
            if (Spec.HasBias)
            {
                bias = new NativeFloatBuffer(Bias.Length);
                Bias.CopyTo(new Span<float>(bias.Pointer, Bias.Length));
            }
            return new XnnpackFilterStatics { Filter = filter, Bias = bias };
        }
        catch
        {
            filter.Dispose();
            bias?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A Convolution 2D node (a depthwise one is a convolution with one channel per group, which XNNPACK runs on its
    /// depthwise kernels), its padding resolved for this input size, ReLU, ReLU6 and clamps as its output bounds, any
    /// other activation a node after it.
    /// </summary>
    public unsafe void Define(XnnpackSubgraph subgraph, IDisposable? statics, ReadOnlySpan<uint> inputs, ReadOnlySpan<uint> outputs, OpShapes shapes)
    {
        var s = (XnnpackFilterStatics)statics!;
        ConvGeometry g = Spec.Geometry(shapes.Input.Batch, shapes.Input.Height, shapes.Input.Width);
        nuint* filterDims = stackalloc nuint[] { (nuint)Spec.OutChannels, (nuint)Spec.Kernel.Height, (nuint)Spec.Kernel.Width, (nuint)Spec.InChannelsPerGroup };
        uint filter = subgraph.Static(4, filterDims, s.Filter.Pointer);
        uint bias = XNN_INVALID_VALUE_ID;
        if (s.Bias is { } b)
        {
            nuint biasDims = (nuint)Spec.OutChannels;
            bias = subgraph.Static(1, &biasDims, b.Pointer);
        }
        (float min, float max, ActivationKind pass) = XnnpackActivations.Lower(Spec.Activation);
        uint convOutput = pass == ActivationKind.None ? outputs[0] : subgraph.Tensor(shapes.Output);
        subgraph.Check(xnn_define_convolution_2d(subgraph.Handle, (uint)g.PadTop, (uint)g.PadRight, (uint)g.PadBottom, (uint)g.PadLeft,
            (uint)Spec.Kernel.Height, (uint)Spec.Kernel.Width, (uint)Spec.Stride.Height, (uint)Spec.Stride.Width,
            (uint)Spec.Dilation.Height, (uint)Spec.Dilation.Width, (uint)Spec.Groups,
            (nuint)Spec.InChannelsPerGroup, (nuint)Spec.OutChannelsPerGroup, min, max, inputs[0], filter, bias, convOutput, 0), nameof(xnn_define_convolution_2d));
        if (pass != ActivationKind.None) subgraph.Activation(Spec.Activation, convOutput, outputs[0], shapes.Output);
    }
}
