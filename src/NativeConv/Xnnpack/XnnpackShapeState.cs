using NativeConv.Interop.Xnnpack;
using static NativeConv.Interop.Xnnpack.Xnn;

namespace NativeConv;

/// <summary>
/// What one input shape needs on XNNPACK, made once from the recipe: the convolution operator (weights
/// packed), reshaped for the shape, its workspace, and the NHWC frame around it (for NCHW, two transposes).
/// </summary>
internal sealed unsafe class XnnpackShapeState : IShapeState
{
    private readonly pthreadpool_t _pool;
    private readonly ActivationKind _activationPass;
    private readonly int _outputLength;
    private readonly XnnOperatorHandle _conv;
    private readonly NativeFloatBuffer? _workspace;
    private readonly XnnpackNhwcFrame _frame;

    public XnnpackShapeState(XnnpackConvRecipe recipe, in ConvGeometry g)
    {
        _pool = recipe.Pool;
        _activationPass = recipe.ActivationPass;
        _outputLength = g.OutputLength;
        ImplementationName = recipe.ImplementationName;
        string context = $"{recipe.Spec} on input {g.Batch}x{g.InChannels}x{g.InHeight}x{g.InWidth} {recipe.Layout}";
        pthreadpool_t pool = recipe.Pool;

        _conv = CreateConvolution(recipe, g.PadTop, g.PadRight, g.PadBottom, g.PadLeft);
        nuint workspaceSize, alignment, outH, outW;
        ThrowIfFailed(xnn_reshape_convolution2d_nhwc_f32(_conv.Value, (nuint)g.Batch, (nuint)g.InHeight, (nuint)g.InWidth,
            &workspaceSize, &alignment, &outH, &outW, pool), nameof(xnn_reshape_convolution2d_nhwc_f32), context);
        if ((int)outH != g.OutHeight || (int)outW != g.OutWidth)
            throw new InvalidOperationException($"XNNPACK computed output {outH}x{outW}, NativeConv {g.OutHeight}x{g.OutWidth}: {context}");
        if (workspaceSize > 0)
        {
            if (alignment > 64) throw new InvalidOperationException($"XNNPACK asks for a workspace aligned to {alignment} bytes: {context}");
            _workspace = new NativeFloatBuffer((int)((workspaceSize + sizeof(float) - 1) / sizeof(float)));
        }
        _frame = new XnnpackNhwcFrame(recipe.Layout, g, pool, context);
    }

    public string ImplementationName { get; }

    public void Execute(float* input, float* output)
    {
        _frame.Enter(input, output, out float* convInput, out float* convOutput);
        ThrowIfFailed(xnn_setup_convolution2d_nhwc_f32(_conv.Value, _workspace is null ? null : _workspace.Pointer, convInput, convOutput),
            nameof(xnn_setup_convolution2d_nhwc_f32));
        ThrowIfFailed(xnn_run_operator(_conv.Value, _pool), nameof(xnn_run_operator), "convolution");
        ActivationPass.Apply(_activationPass, convOutput, _outputLength);
        _frame.Leave(convOutput, output);
    }

    /// <summary>
    /// A convolution operator for the kernel's spec with padding already resolved for one input size
    /// (so Same padding is never left to XNNPACK's TensorFlow-SAME flag, whose results differed from
    /// TensorFlow's rule for strided kernels with a side of 1). XNNPACK packs the weights here.
    /// </summary>
    internal static XnnOperatorHandle CreateConvolution(XnnpackConvRecipe recipe, int top, int right, int bottom, int left)
    {
        Conv2dSpec spec = recipe.Spec;
        float min = recipe.OutputMin, max = recipe.OutputMax; // the clamp part of the activation's lowering
        xnn_operator_t op;
        fixed (float* w = recipe.Weights)
        fixed (float* b = recipe.Bias)
        {
            ThrowIfFailed(xnn_create_convolution2d_nhwc_f32((uint)top, (uint)right, (uint)bottom, (uint)left,
                (uint)spec.Kernel.Height, (uint)spec.Kernel.Width, (uint)spec.Stride.Height, (uint)spec.Stride.Width,
                (uint)spec.Dilation.Height, (uint)spec.Dilation.Width, (uint)spec.Groups,
                (nuint)spec.InChannelsPerGroup, (nuint)spec.OutChannelsPerGroup, (nuint)spec.InChannels, (nuint)spec.OutChannels,
                w, spec.HasBias ? b : null, min, max, 0, default, null, &op),
                nameof(xnn_create_convolution2d_nhwc_f32), $"{spec} padding t{top} r{right} b{bottom} l{left}");
        }
        return new XnnOperatorHandle(op);
    }

    public void Dispose()
    {
        _conv.Dispose();
        _workspace?.Dispose();
        _frame.Dispose();
    }
}
