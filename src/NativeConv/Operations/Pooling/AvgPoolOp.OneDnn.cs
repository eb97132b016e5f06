using NativeConv.Interop.OneDnn;

namespace NativeConv;

internal sealed partial class AvgPoolOp : IOneDnnOperation
{
    /// <summary>
    /// oneDNN's pooling primitive (avg_include_padding or avg_exclude_padding), which measured faster than the managed
    /// pass on every shape timed (PoolTimings). Not for count_include_pad in ceil mode: oneDNN then divides by the whole
    /// kernel where PyTorch clips a last window hanging past the end padding, so that runs the managed pass.
    /// </summary>
    public OpKernel? LowerOneDnn(OneDnnBackend backend) => Spec.CountIncludePad && Spec.CeilMode ? null
        : new OneDnnPoolKernel(backend, Spec.CountIncludePad ? dnnl_alg_kind_t.dnnl_pooling_avg_include_padding : dnnl_alg_kind_t.dnnl_pooling_avg_exclude_padding);
}
