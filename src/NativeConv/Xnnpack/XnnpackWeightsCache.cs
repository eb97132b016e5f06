using NativeConv.Interop.Xnnpack;
using static NativeConv.Interop.Xnnpack.Xnn;

namespace NativeConv;

/// <summary>
/// One recipe's XNNPACK weights cache: every operator made from the recipe (each input shape's, each execution
/// context's) finds the weights packed by the first, keyed by the unpacked weights' addresses (so those are pinned).
/// XNNPACK runs no operator of an unfinalized cache, so the cache is finalized (soft: it still serves look-ups) once the
/// first operator has packed into it; an operator whose packing differs (the finalized cache cannot take it) is made
/// with weights of its own instead.
/// </summary>
internal sealed unsafe class XnnpackWeightsCache : IDisposable
{
    private readonly XnnWeightsCacheHandle _cache = new();
    private readonly Lock _gate = new();

    /// <summary>Makes an operator through <paramref name="create"/> (given the cache to use, or null), and throws naming <paramref name="function"/> when it fails.</summary>
    public XnnOperatorHandle Create(Func<nint, (xnn_status Status, xnn_operator_t Operator)> create, string function, string context)
    {
        lock (_gate)
        {
            var (status, op) = create((nint)_cache.Value);
            if (status != xnn_status.xnn_status_success && xnn_weights_cache_is_finalized(_cache.Value)) (status, op) = create(0);
            ThrowIfFailed(status, function, context);
            if (!xnn_weights_cache_is_finalized(_cache.Value))
                ThrowIfFailed(xnn_finalize_weights_cache(_cache.Value, xnn_weights_cache_finalization_kind.xnn_weights_cache_finalization_kind_soft),
                    nameof(xnn_finalize_weights_cache), context);
            return new XnnOperatorHandle(op);
        }
    }

    public void Dispose() => _cache.Dispose();
}
