namespace NativeConv;

/// <summary>
/// A pointwise convolution on XNNPACK's dynamically quantized GEMM (qd8_f32_qc8w), made once: the weights
/// as symmetric int8 per output channel (<see cref="Quantizer.QuantizePerOutputChannel"/>; PyTorch's
/// (out, in, 1, 1) is already XNNPACK's (out, in)), their scales, the float bias and the activation's
/// lowering, pinned (XNNPACK's weights cache, which packs them once for every state, finds them by address). Each input
/// shape gets an <see cref="XnnpackDynamicInt8State"/>.
/// </summary>
internal sealed class XnnpackDynamicInt8Recipe : KernelRecipe<Conv2dSpec>
{
    public XnnpackDynamicInt8Recipe(Interop.Xnnpack.pthreadpool_t pool, Conv2dSpec spec, TensorLayout layout,
        ReadOnlySpan<float> weights, ReadOnlySpan<float> bias) : base(spec, layout)
    {
        Pool = pool;
        Weights = GC.AllocateArray<sbyte>(spec.WeightCount, pinned: true);
        Scales = GC.AllocateArray<float>(spec.OutChannels, pinned: true);
        Quantizer.QuantizePerOutputChannel(spec, weights, Weights, Scales);
        Bias = GC.AllocateArray<float>(bias.Length, pinned: true);
        bias.CopyTo(Bias);
        (OutputMin, OutputMax, _) = XnnpackActivations.Lower(spec.Activation); // the rest runs after it (XnnpackActivations.Pass)
        // Creating (and dropping) the GEMM now makes a CPU or spec XNNPACK refuses fail at construction.
        using var probe = XnnpackDynamicInt8State.CreateGemm(this);
    }

    public Interop.Xnnpack.pthreadpool_t Pool { get; }

    /// <summary>Where the GEMMs find their packed weights; released after every state.</summary>
    public XnnpackWeightsCache WeightsCache { get; } = new();

    /// <summary>(out, in), int8.</summary>
    public sbyte[] Weights { get; }

    /// <summary>One per output channel: w ≈ scale · q.</summary>
    public float[] Scales { get; }

    public float[] Bias { get; }

    public float OutputMin { get; }

    public float OutputMax { get; }

    public override IShapeState CreateState(in ConvGeometry geometry) => new XnnpackDynamicInt8State(this, geometry);

    public override void Dispose() => WeightsCache.Dispose();
}
