using System.Runtime.InteropServices;
using NativeConv.Interop.OneDnn;
using static NativeConv.Interop.OneDnn.Dnnl;

namespace NativeConv;

/// <summary>
/// Which of oneDNN's implementations runs a float32 depthwise convolution: its jit_dw kernel where oneDNN offers one,
/// not the brdgmm_dw it lists first (oneDNN runs the first implementation in its list that supports a problem).
/// Measured here in one process, each MobileNet pinned to oneDNN with fused sums twice, one copy on oneDNN's first
/// choice, 40 interleaved rounds of 20 calls (NHWC, batch 1, 2 threads; a scratch harness): with jit_dw the whole
/// network ran 4.0% faster on v3-small, 1.8% on v2, 1.2-1.9% on v3-large, 0.4% on v1 (Zen 5, AVX-512), and with oneDNN
/// capped at AVX2 2.6% on v3-large and 0.9% on v2; `nativeconv net bench --backend onednn --profile` put v2's
/// depthwise layers at 297 µs, against 322 with the preference switched off in a scratch build. A single layer can go the other way (v2's 96-channel stride-2 depthwise at
/// 112x112 ran about 10% slower), and timing the two in isolation when a shape is first seen did not tell which a
/// network runs faster (they tied where the network's times differed by 20%): how each splits the work between the
/// threads meets the layer before it, which only the network shows. bfloat16 keeps oneDNN's first choice (not measured);
/// so does NCHW, where oneDNN lists no jit_dw before its fallbacks.
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

    /// <summary>oneDNN's reference and gemm-based convolutions: 10-1000x slower than its jit kernels for depthwise.</summary>
    private static bool IsFallback(string name) => name.StartsWith("ref", StringComparison.Ordinal) || name.Contains("gemm", StringComparison.Ordinal);
}
