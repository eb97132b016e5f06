using NativeConv.Interop.Xnnpack;
using static NativeConv.Interop.Xnnpack.Xnn;

namespace NativeConv;

/// <summary>
/// What one input shape needs on XNNPACK, made once from the recipe: the convolution or deconvolution operator
/// (weights packed), reshaped for the shape, its workspace, the NHWC frame around it (for NCHW, two transposes) and,
/// for a transposed convolution whose output padding needs it, the zero-extended input (<see cref="TransposedLowering"/>).
/// </summary>
internal sealed unsafe class XnnpackShapeState : IShapeState
{
    private readonly pthreadpool_t _pool;
    private readonly IActivationPass? _activation; // what the operator does not fuse
    private readonly bool _transposed;
    private readonly XnnOperatorHandle _operator;
    private readonly NativeFloatBuffer? _workspace;
    private readonly PaddedImages? _extended; // the input with zero rows or columns appended
    private readonly PaddedImages? _grown; // an output made larger than the caller's
    private readonly XnnpackNhwcFrame _frame;

    public XnnpackShapeState(XnnpackConvRecipe recipe, in ConvGeometry g)
        : this(recipe.Pool, recipe.ImplementationName, recipe.Spec, recipe.Layout, g)
    {
        string context = Context(recipe.Spec, recipe.Layout, g);
        try
        {
            _operator = CreateConvolution(recipe, g.PadTop, g.PadRight, g.PadBottom, g.PadLeft);
            nuint workspaceSize, alignment, outH, outW;
            ThrowIfFailed(xnn_reshape_convolution2d_nhwc_f32(_operator.Value, (nuint)g.Batch, (nuint)g.InHeight, (nuint)g.InWidth,
                &workspaceSize, &alignment, &outH, &outW, _pool), nameof(xnn_reshape_convolution2d_nhwc_f32), context);
            CheckOutput(outH, outW, g.OutHeight, g.OutWidth, context);
            if (workspaceSize > 0)
            {
                if (alignment > 64) throw new InvalidOperationException($"XNNPACK asks for a workspace aligned to {alignment} bytes: {context}");
                _workspace = new NativeFloatBuffer((int)((workspaceSize + sizeof(float) - 1) / sizeof(float)));
            }
        }
        catch
        {
            Dispose(); // null-tolerant: releases what was made
            throw;
        }
    }

    public XnnpackShapeState(XnnpackDeconvRecipe recipe, in ConvGeometry g)
        : this(recipe.Pool, recipe.ImplementationName, recipe.Spec, recipe.Layout, g)
    {
        string context = Context(recipe.Spec, recipe.Layout, g);
        _transposed = true;
        TransposedLowering l = recipe.Lowering;
        Size2D stride = recipe.Spec.Stride;
        // XNNPACK (4ea82e5) sizes each sub-convolution as (output − its first row) / stride in size_t: on an output of
        // fewer than stride − 1 rows (columns) that wraps around, and it writes far outside the output. Such a shape is
        // run one zero input row (column) larger, which appends a stride step of output, and the caller's part copied out.
        int grownRows = recipe.UsesSubconvolutions && g.OutHeight < stride.Height - 1 ? stride.Height : 0;
        int grownColumns = recipe.UsesSubconvolutions && g.OutWidth < stride.Width - 1 ? stride.Width : 0;
        int extraRows = l.ExtraRows + (grownRows > 0 ? 1 : 0), extraColumns = l.ExtraColumns + (grownColumns > 0 ? 1 : 0);
        try
        {
            _operator = CreateDeconvolution(recipe);
            nuint outH, outW;
            ThrowIfFailed(xnn_reshape_deconvolution2d_nhwc_f32(_operator.Value, (nuint)g.Batch, (nuint)(g.InHeight + extraRows),
                (nuint)(g.InWidth + extraColumns), (uint)l.AdjustHeight, (uint)l.AdjustWidth, &outH, &outW, _pool),
                nameof(xnn_reshape_deconvolution2d_nhwc_f32), context);
            CheckOutput(outH, outW, g.OutHeight + grownRows, g.OutWidth + grownColumns, context);
            // After the frame the input and output are NHWC whatever the layer's layout.
            if ((extraRows | extraColumns) != 0)
                _extended = new PaddedImages(TensorLayout.Nhwc, g.Batch, g.InChannels, g.InHeight, g.InWidth, extraRows, extraColumns);
            if ((grownRows | grownColumns) != 0)
                _grown = new PaddedImages(TensorLayout.Nhwc, g.Batch, g.OutChannels, g.OutHeight, g.OutWidth, grownRows, grownColumns);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>What both operators share: the pool, the activation pass, the name, and the NHWC frame.</summary>
    private XnnpackShapeState(pthreadpool_t pool, string implementationName, ConvolutionSpec spec, TensorLayout layout, in ConvGeometry g)
    {
        _pool = pool;
        ImplementationName = implementationName;
        _operator = null!; // set by the public constructors
        _frame = new XnnpackNhwcFrame(layout, g, pool, Context(spec, layout, g));
        try
        {
            _activation = XnnpackActivations.AfterConvolution(spec.Activation, g.OutputLength, pool);
        }
        catch
        {
            _frame.Dispose();
            throw;
        }
    }

    public string ImplementationName { get; }

    public void Execute(float* input, float* output)
    {
        _frame.Enter(input, output, out float* x, out float* y);
        if (_extended is not null) x = _extended.CopyIn(x);
        if (_transposed)
            ThrowIfFailed(xnn_setup_deconvolution2d_nhwc_f32(_operator.Value, x, _grown is null ? y : _grown.Pointer), nameof(xnn_setup_deconvolution2d_nhwc_f32));
        else
            ThrowIfFailed(xnn_setup_convolution2d_nhwc_f32(_operator.Value, _workspace is null ? null : _workspace.Pointer, x, y),
                nameof(xnn_setup_convolution2d_nhwc_f32));
        ThrowIfFailed(xnn_run_operator(_operator.Value, _pool), nameof(xnn_run_operator), _transposed ? "deconvolution" : "convolution");
        _grown?.CopyOut(y);
        _activation?.Run(y, y);
        _frame.Leave(y, output);
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
        string context = $"{spec} padding t{top} r{right} b{bottom} l{left}";
        return recipe.WeightsCache.Create(cache =>
        {
            xnn_operator_t op;
            fixed (float* w = recipe.Weights)
            fixed (float* b = recipe.Bias)
            {
                xnn_status status = xnn_create_convolution2d_nhwc_f32((uint)top, (uint)right, (uint)bottom, (uint)left,
                    (uint)spec.Kernel.Height, (uint)spec.Kernel.Width, (uint)spec.Stride.Height, (uint)spec.Stride.Width,
                    (uint)spec.Dilation.Height, (uint)spec.Dilation.Width, (uint)spec.Groups,
                    (nuint)spec.InChannelsPerGroup, (nuint)spec.OutChannelsPerGroup, (nuint)spec.InChannels, (nuint)spec.OutChannels,
                    w, spec.HasBias ? b : null, min, max, 0, default, (xnn_weights_cache_provider*)cache, &op);
                return (status, op);
            }
        }, nameof(xnn_create_convolution2d_nhwc_f32), context);
    }

    /// <summary>
    /// A deconvolution operator for the kernel's spec: XNNPACK's "padding" is what is cropped from the full output,
    /// top and left as the spec says, bottom and right as the output padding left them (<see cref="TransposedLowering"/>).
    /// XNNPACK packs the weights here.
    /// </summary>
    internal static XnnOperatorHandle CreateDeconvolution(XnnpackDeconvRecipe recipe)
    {
        ConvTranspose2dSpec spec = recipe.Spec;
        TransposedLowering l = recipe.Lowering;
        string context = $"{spec} as t{spec.Padding.Top} r{l.PadRight} b{l.PadBottom} l{spec.Padding.Left}";
        return recipe.WeightsCache.Create(cache =>
        {
            xnn_operator_t op;
            fixed (float* w = recipe.Weights)
            fixed (float* b = recipe.Bias)
            {
                xnn_status status = xnn_create_deconvolution2d_nhwc_f32((uint)spec.Padding.Top, (uint)l.PadRight, (uint)l.PadBottom, (uint)spec.Padding.Left,
                    (uint)spec.Kernel.Height, (uint)spec.Kernel.Width, (uint)spec.Stride.Height, (uint)spec.Stride.Width,
                    (uint)spec.Dilation.Height, (uint)spec.Dilation.Width, (uint)spec.Groups,
                    (nuint)spec.InChannelsPerGroup, (nuint)spec.OutChannelsPerGroup, (nuint)spec.InChannels, (nuint)spec.OutChannels,
                    w, spec.HasBias ? b : null, recipe.OutputMin, recipe.OutputMax, 0, default, (xnn_weights_cache_provider*)cache, &op);
                return (status, op);
            }
        }, nameof(xnn_create_deconvolution2d_nhwc_f32), context);
    }

    private static string Context(ConvolutionSpec spec, TensorLayout layout, in ConvGeometry g) =>
        $"{spec} on input {g.Batch}x{g.InChannels}x{g.InHeight}x{g.InWidth} {layout}";

    private static void CheckOutput(nuint outH, nuint outW, int expectedHeight, int expectedWidth, string context)
    {
        if ((int)outH != expectedHeight || (int)outW != expectedWidth)
            throw new InvalidOperationException($"XNNPACK computed output {outH}x{outW}, NativeConv {expectedHeight}x{expectedWidth}: {context}");
    }

    public void Dispose()
    {
        _operator?.Dispose();
        _workspace?.Dispose();
        _extended?.Dispose();
        _grown?.Dispose();
        _frame?.Dispose();
        _activation?.Dispose();
    }
}
