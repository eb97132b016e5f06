using NativeConv.Interop.Xnnpack;
using static NativeConv.Interop.Xnnpack.Xnn;

namespace NativeConv;

/// <summary>
/// One input shape of a dynamically quantized pointwise convolution: every pixel is a GEMM row, so XNNPACK's
/// f32→qd8 conversion gives each pixel its own scale and zero point (its min and max, widened to include 0),
/// then the qd8_f32_qc8w GEMM (weights packed here, once per shape) accumulates in int32 and writes float32.
/// NCHW goes through the same NHWC frame (two transposes) as the float path.
/// </summary>
internal sealed unsafe class XnnpackDynamicInt8State : IShapeState
{
    private readonly pthreadpool_t _pool;
    private readonly IActivationPass? _activation; // what the GEMM does not fuse
    private readonly XnnOperatorHandle _quantize;
    private readonly XnnOperatorHandle _gemm;
    private readonly NativeFloatBuffer _quantized; // rows × in int8, with XNNPACK's read slack
    private readonly NativeFloatBuffer _rowParameters; // rows + XNN_EXTRA_QUANTIZATION_PARAMS of (zero point, scale)
    private readonly XnnpackNhwcFrame _frame;

    public XnnpackDynamicInt8State(XnnpackDynamicInt8Recipe recipe, in ConvGeometry g)
    {
        _pool = recipe.Pool;
        string context = $"{recipe.Spec} dynamic int8 on input {g.Batch}x{g.InChannels}x{g.InHeight}x{g.InWidth} {recipe.Layout}";
        int rows = g.Batch * g.InHeight * g.InWidth;
        _quantized = new NativeFloatBuffer((rows * g.InChannels + sizeof(float) - 1) / sizeof(float));
        _rowParameters = new NativeFloatBuffer(2 * (rows + XNN_EXTRA_QUANTIZATION_PARAMS));

        xnn_operator_t quantize;
        ThrowIfFailed(xnn_create_convert_nc_f32_qd8(0, &quantize), nameof(xnn_create_convert_nc_f32_qd8), context);
        _quantize = new XnnOperatorHandle(quantize);
        ThrowIfFailed(xnn_reshape_convert_nc_f32_qd8(quantize, (nuint)rows, (nuint)g.InChannels, (nuint)g.InChannels, (nuint)g.InChannels, _pool),
            nameof(xnn_reshape_convert_nc_f32_qd8), context);
        _gemm = CreateGemm(recipe);
        ThrowIfFailed(xnn_reshape_fully_connected_nc_qd8_f32_qc8w(_gemm.Value, (nuint)rows, _pool),
            nameof(xnn_reshape_fully_connected_nc_qd8_f32_qc8w), context);
        _frame = new XnnpackNhwcFrame(recipe.Layout, g, _pool, context);
        _activation = XnnpackActivations.AfterConvolution(recipe.Spec.Activation, g.OutputLength, _pool);
    }

    /// <summary>XNNPACK names no microkernel; this is the operator pair that runs.</summary>
    public string ImplementationName => "xnnpack:convert_f32_qd8+gemm_qd8_f32_qc8w";

    public void Execute(float* input, float* output)
    {
        _frame.Enter(input, output, out float* gemmInput, out float* gemmOutput);
        var parameters = (xnn_quantization_params*)_rowParameters.Pointer;
        var quantized = (sbyte*)_quantized.Pointer;
        ThrowIfFailed(xnn_setup_convert_nc_f32_qd8(_quantize.Value, gemmInput, quantized, parameters), nameof(xnn_setup_convert_nc_f32_qd8));
        ThrowIfFailed(xnn_run_operator(_quantize.Value, _pool), nameof(xnn_run_operator), "f32 -> qd8");
        ThrowIfFailed(xnn_setup_fully_connected_nc_qd8_f32_qc8w(_gemm.Value, quantized, gemmOutput, parameters),
            nameof(xnn_setup_fully_connected_nc_qd8_f32_qc8w));
        ThrowIfFailed(xnn_run_operator(_gemm.Value, _pool), nameof(xnn_run_operator), "qd8 GEMM");
        _activation?.Run(gemmOutput, gemmOutput);
        _frame.Leave(gemmOutput, output);
    }

    /// <summary>The qd8_f32_qc8w GEMM for the recipe's weights, packed by XNNPACK here.</summary>
    internal static XnnOperatorHandle CreateGemm(XnnpackDynamicInt8Recipe recipe)
    {
        Conv2dSpec spec = recipe.Spec;
        return recipe.WeightsCache.Create(cache =>
        {
            xnn_operator_t op;
            fixed (sbyte* w = recipe.Weights)
            fixed (float* scales = recipe.Scales)
            fixed (float* b = recipe.Bias)
            {
                xnn_status status = xnn_create_fully_connected_nc_qd8_f32_qc8w((nuint)spec.InChannels, (nuint)spec.OutChannels,
                    (nuint)spec.InChannels, (nuint)spec.OutChannels, scales, w, spec.HasBias ? b : null, recipe.OutputMin, recipe.OutputMax,
                    0, default, (xnn_weights_cache_provider*)cache, &op);
                return (status, op);
            }
        }, nameof(xnn_create_fully_connected_nc_qd8_f32_qc8w), $"{spec} dynamic int8");
    }

    public void Dispose()
    {
        _quantize.Dispose();
        _gemm.Dispose();
        _quantized.Dispose();
        _rowParameters.Dispose();
        _frame.Dispose();
        _activation?.Dispose();
    }
}
