namespace NativeConv.Tests;

/// <summary>A plugged-in backend that breaks the seam's contract in one chosen way, delegating the rest to a real one.</summary>
internal sealed class MisbehavingBackend(ConvBackend inner, MisbehavingBackend.Mode mode) : ConvBackend
{
    public enum Mode
    {
        Null,
        OtherSpec,
        OtherLayout,
        SameKernelTwice,
        Disposed,
    }

    private ConvKernel? _handedOut;

    public override string Name => "misbehaving-" + inner.Name;

    protected override BackendCapabilities DescribeCore(Conv2dSpec spec, TensorLayout layout) => inner.Describe(spec, layout);

    protected override ConvKernel CreateCore(Conv2dSpec spec, TensorLayout layout, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias)
    {
        switch (mode)
        {
            case Mode.Null:
                return null!;
            case Mode.OtherSpec:
                return new ZeroKernel(Conv2dSpec.Depthwise(spec.InChannels, 1, bias: spec.HasBias), layout);
            case Mode.OtherLayout:
                return new ZeroKernel(spec, layout == TensorLayout.Nhwc ? TensorLayout.Nchw : TensorLayout.Nhwc);
            case Mode.SameKernelTwice:
                return _handedOut ??= inner.Create(spec, layout, weights, bias);
            default:
            {
                var k = new ZeroKernel(spec, layout);
                k.Dispose();
                return k;
            }
        }
    }

    /// <summary>A fresh kernel of whatever spec the misbehaviour needs (never run).</summary>
    private sealed class ZeroKernel(Conv2dSpec spec, TensorLayout layout) : ConvKernel(spec, layout)
    {
        public override string ImplementationName => "zero";

        protected override void ForwardCore(in ConvGeometry geometry, ReadOnlySpan<float> input, Span<float> output) => output.Clear();
    }
}
