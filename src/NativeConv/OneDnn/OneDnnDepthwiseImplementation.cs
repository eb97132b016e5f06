using System.Runtime.InteropServices;
using NativeConv.Interop.OneDnn;
using static NativeConv.Interop.OneDnn.Dnnl;

namespace NativeConv;

/// <summary>
/// Which of oneDNN's implementations runs a float32 depthwise convolution: its jit_dw kernel where oneDNN offers one,
/// not the brdgmm_dw it lists first (oneDNN runs the first implementation in its list that supports a problem). With
/// jit_dw each MobileNet ran faster as a whole network, on AVX-512 and with oneDNN capped at AVX2 (docs/benchmarks.md,
/// Measured by hand: jit_dw in whole networks). The preference is fixed, not timed per shape: a single layer can go the
/// other way, and the two timed in isolation when a shape is first seen did not tell which a network runs faster
/// (docs/benchmarks.md, Measured by hand: jit_dw layer by layer), because how each splits the work between the threads
/// meets the layer before it, which only the network shows. bfloat16 keeps oneDNN's first choice (not measured); so
/// does NCHW, where oneDNN lists no jit_dw before its fallbacks.
/// </summary>
internal static class OneDnnDepthwiseImplementation
{
    /// <summary>The prefix of the preferred implementation's name (oneDNN's "jit_dw:avx512_core", "jit_dw:avx2", ...).</summary>
    public const string Preferred = "jit_dw:";

    /// <summary>Whether the preference applies: a float32 depthwise convolution (one input and one output channel per group) on x64, where it was measured.</summary>
    public static bool Applies(OneDnnConvRecipe recipe) => RuntimeInformation.ProcessArchitecture == Architecture.X64
        && recipe.Spec.Groups > 1 && recipe.Spec.InChannelsPerGroup == 1 && recipe.Spec.OutChannelsPerGroup == 1 && !recipe.BFloat16;

    /// <summary>
    /// The primitive descriptor <paramref name="create"/> makes, stepped to the preferred implementation when oneDNN
    /// lists one before its reference and gemm fallbacks; otherwise a fresh one at oneDNN's first choice.
    /// </summary>
    public static dnnl_primitive_desc_t Choose(Func<dnnl_primitive_desc_t> create, string context)
    {
        dnnl_primitive_desc_t pd = create();
        try
        {
            while (true)
            {
                string name = OneDnnImplementationName.Of(pd, context);
                if (name.StartsWith(Preferred, StringComparison.Ordinal)) return pd;
                if (IsFallback(name) || dnnl_primitive_desc_next_impl(pd) != dnnl_status_t.dnnl_success) break;
            }
        }
        catch
        {
            dnnl_primitive_desc_destroy(pd);
            throw;
        }
        ThrowIfFailed(dnnl_primitive_desc_destroy(pd), nameof(dnnl_primitive_desc_destroy), context);
        return create();
    }

    /// <summary>
    /// oneDNN's reference and gemm-based convolutions: far slower than its jit kernels for depthwise, so the search
    /// stops at them (docs/benchmarks.md, Measured by hand: oneDNN's depthwise fallbacks).
    /// </summary>
    private static bool IsFallback(string name) => name.StartsWith("ref", StringComparison.Ordinal) || name.Contains("gemm", StringComparison.Ordinal);
}
