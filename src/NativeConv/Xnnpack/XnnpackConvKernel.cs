using NativeConv.Interop.Xnnpack;

namespace NativeConv;

/// <summary>
/// One convolution on XNNPACK. Creation converts the weights from PyTorch order to XNNPACK's
/// (out, kh, kw, in/groups) once; each new (N, H, W) gets an <see cref="XnnpackShapeState"/> whose
/// operator packs them once. A call sets pointers and runs: no allocation, no repacking.
/// </summary>
internal sealed class XnnpackConvKernel : IConvKernel
{
    private readonly ShapeCache<XnnpackShapeState> _shapes;
    private bool _holdsPool;

    public XnnpackConvKernel(XnnpackBackend backend, Conv2dSpec spec, TensorLayout layout, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias)
    {
        Backend = backend;
        backend.PoolHandle?.DangerousAddRef(ref _holdsPool); // released in Dispose
        Spec = spec;
        Layout = layout;
        Bias = bias.ToArray();
        _shapes = new ShapeCache<XnnpackShapeState>(g => new XnnpackShapeState(this, g));
        Weights = new float[weights.Length];
        int icg = spec.InChannelsPerGroup, kh = spec.Kernel.Height, kw = spec.Kernel.Width;
        for (int oc = 0; oc < spec.OutChannels; oc++)
            for (int ic = 0; ic < icg; ic++)
                for (int y = 0; y < kh; y++)
                    for (int x = 0; x < kw; x++)
                        Weights[((oc * kh + y) * kw + x) * icg + ic] = weights[((oc * icg + ic) * kh + y) * kw + x];
        // Operators are made per input shape; creating (and dropping) an unpadded one now makes a
        // spec XNNPACK rejects fail at construction rather than at the first call.
        try
        {
            using var probe = XnnpackShapeState.CreateConvolution(this, 0, 0, 0, 0);
        }
        catch
        {
            Dispose(); // releases the pool reference
            throw;
        }
    }

    public XnnpackBackend Backend { get; }

    public Conv2dSpec Spec { get; }

    public TensorLayout Layout { get; }

    /// <summary>(out, kh, kw, in/groups).</summary>
    public float[] Weights { get; }

    public float[] Bias { get; }

    /// <summary>
    /// XNNPACK has no query for the microkernel it chose, so this names the operator path the spec
    /// selects (dwconv for one input and output channel per group, gemm for 1x1, igemm otherwise).
    /// </summary>
    public string ImplementationName => "xnnpack:" + (Spec.IsDepthwise && Spec.ChannelMultiplier == 1 ? "dwconv" : Spec.IsPointwise ? "gemm" : "igemm");

    public unsafe void Forward(in ConvGeometry g, ReadOnlySpan<float> input, Span<float> output)
    {
        XnnpackShapeState state = _shapes.Get(g);
        fixed (float* x = input)
        fixed (float* y = output)
        {
            state.Execute(x, input.Length, y, output.Length);
        }
    }

    public void Dispose()
    {
        _shapes.Dispose();
        if (_holdsPool)
        {
            Backend.PoolHandle!.DangerousRelease();
            _holdsPool = false;
        }
    }
}
