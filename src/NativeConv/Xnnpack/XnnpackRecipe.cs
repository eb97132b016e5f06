namespace NativeConv;

/// <summary>
/// What every XNNPACK float recipe (convolution, transposed convolution) keeps whatever the input shape: the pool,
/// the weights already in the operator's order, the bias, and the activation's lowering (<see cref="XnnpackActivations"/>).
/// Each shape's <see cref="XnnpackShapeState"/> makes an operator from it; the operators share one weights cache, so
/// XNNPACK packs the weights once for all of them (other shapes, and a network's concurrent execution contexts). The
/// cache finds packed weights by the addresses of the unpacked ones, so those are pinned.
/// </summary>
internal abstract class XnnpackRecipe<TSpec> : KernelRecipe<TSpec> where TSpec : ConvolutionSpec
{
    private protected XnnpackRecipe(Interop.Xnnpack.pthreadpool_t pool, TSpec spec, TensorLayout layout, float[] weights, ReadOnlySpan<float> bias)
        : base(spec, layout)
    {
        Pool = pool;
        Weights = GC.AllocateArray<float>(weights.Length, pinned: true);
        weights.CopyTo(Weights, 0);
        Bias = GC.AllocateArray<float>(bias.Length, pinned: true);
        bias.CopyTo(Bias);
        (OutputMin, OutputMax, _) = XnnpackActivations.Lower(spec.Activation); // the rest runs after it (XnnpackActivations.Pass)
    }

    /// <summary>The pool calls run on (null handle: the caller's thread).</summary>
    public Interop.Xnnpack.pthreadpool_t Pool { get; }

    /// <summary>Where the operators find their packed weights; made with the recipe, released after every state.</summary>
    public XnnpackWeightsCache WeightsCache { get; } = new();

    /// <summary>In the order the operator takes, pinned.</summary>
    public float[] Weights { get; }

    public float[] Bias { get; }

    /// <summary>The clamp fused into the operator.</summary>
    public float OutputMin { get; }

    public float OutputMax { get; }


    /// <summary>
    /// XNNPACK has no query for the microkernel it chose, so this names the operator path the spec selects.
    /// </summary>
    public abstract string ImplementationName { get; }

    public override void Dispose() => WeightsCache.Dispose();
}
