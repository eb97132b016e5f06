using NativeConv.Interop.OneDnn;
using static NativeConv.Interop.OneDnn.Dnnl;

namespace NativeConv;

/// <summary>The name oneDNN gives the implementation a primitive descriptor points at (e.g. "jit_dw:avx512_core").</summary>
internal static unsafe class OneDnnImplementationName
{
    public static string Of(const_dnnl_primitive_desc_t pd, string context)
    {
        sbyte* impl = null;
        ThrowIfFailed(dnnl_primitive_desc_query(pd, dnnl_query_t.dnnl_query_impl_info_str, 0, &impl), nameof(dnnl_primitive_desc_query), context);
        return new string(impl);
    }
}
