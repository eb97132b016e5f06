namespace NativeConv;

/// <summary>
/// What every XNNPACK float recipe (convolution, transposed convolution) keeps whatever the input shape: the pool,
/// the weights already in the operator's order, the bias, and the activation's lowering (<see cref="XnnpackActivations"/>).
/// Each shape's <see cref="XnnpackShapeState"/> makes an operator from it, which packs the weights once.
/// </summary>
internal abstract class XnnpackRecipe<TSpec> : KernelRecipe<TSpec> where TSpec : ConvolutionSpec
{
    private protected XnnpackRecipe(Interop.Xnnpack.pthreadpool_t pool, TSpec spec, TensorLayout layout, float[] weights, ReadOnlySpan<float> bias)
        : base(spec, layout)
    {
        Pool = pool;
        Weights = weights;
        Bias = bias.ToArray();
        (OutputMin, OutputMax, _) = XnnpackActivations.Lower(spec.Activation); // the rest runs after it (XnnpackActivations.Pass)
    }

    /// <summary>The pool calls run on (null handle: the caller's thread).</summary>
    public Interop.Xnnpack.pthreadpool_t Pool { get; }

    /// <summary>In the order the operator takes.</summary>
    public float[] Weights { get; }

    public float[] Bias { get; }

    /// <summary>The clamp fused into the operator.</summary>
    public float OutputMin { get; }

    public float OutputMax { get; }


    /// <summary>
    /// XNNPACK has no query for the microkernel it chose, so this names the operator path the spec selects.
    /// </summary>
    public abstract string ImplementationName { get; }

    public override void Dispose()
    {
    }
}
