using NativeConv.Interop.OneDnn;
using static NativeConv.Interop.OneDnn.Dnnl;

namespace NativeConv;

/// <summary>
/// The forward-inference primitive descriptor of a convolution or a transposed convolution (oneDNN's deconvolution)
/// for one shape: weights <c>any</c> (the implementation picks their format; the state reorders them once), the
/// recipe's bias and attributes, strides, dilations (oneDNN counts them from 0) and paddings. The two descriptors take
/// the same arguments; a deconvolution's weights have a convolution's logical dims (g, oc/g, ic/g, kh, kw).
/// </summary>
internal static unsafe class OneDnnConvPrimitive
{
    /// <param name="padBottom">For a deconvolution, padding_r: the rows its output stops short of the full output (negative: past it, less than a stride).</param>
    public static dnnl_primitive_desc_t Describe(OneDnnRecipeParts parts, ConvolutionSpec spec, const_dnnl_memory_desc_t src, const_dnnl_memory_desc_t dst,
        int padTop, int padLeft, int padBottom, int padRight, string context, dnnl_data_type_t weightsType = dnnl_data_type_t.dnnl_f32)
    {
        using var anyWeights = OneDnnMemory.WeightsDesc(spec, dnnl_format_tag_t.dnnl_format_tag_any, weightsType);
        using var biasMd = OneDnnMemory.Desc([spec.OutChannels], dnnl_format_tag_t.dnnl_a);
        const_dnnl_memory_desc_t bias = spec.HasBias ? biasMd.Value : default;
        long* strides = stackalloc long[] { spec.Stride.Height, spec.Stride.Width };
        long* dilates = stackalloc long[] { spec.Dilation.Height - 1, spec.Dilation.Width - 1 };
        long* padL = stackalloc long[] { padTop, padLeft };
        long* padR = stackalloc long[] { padBottom, padRight };
        dnnl_primitive_desc_t pd;
        if (spec is ConvTranspose2dSpec)
            ThrowIfFailed(dnnl_deconvolution_forward_primitive_desc_create(&pd, parts.Engine, dnnl_prop_kind_t.dnnl_forward_inference,
                dnnl_alg_kind_t.dnnl_deconvolution_direct, src, anyWeights.Value, bias, dst, strides, dilates, padL, padR, parts.Attributes),
                nameof(dnnl_deconvolution_forward_primitive_desc_create), context);
        else
            ThrowIfFailed(dnnl_convolution_forward_primitive_desc_create(&pd, parts.Engine, dnnl_prop_kind_t.dnnl_forward_inference,
                dnnl_alg_kind_t.dnnl_convolution_direct, src, anyWeights.Value, bias, dst, strides, dilates, padL, padR, parts.Attributes),
                nameof(dnnl_convolution_forward_primitive_desc_create), context);
        return pd;
    }
}
