namespace NativeConv;

/// <summary>
/// A convolution's quantized parameters, as ONNX QLinearConv and TFLite take them: int8 weights in PyTorch
/// order, symmetric (zero point 0) with one scale per output channel, and an int32 bias whose scale is
/// input scale · weight scale of its channel (so it adds straight onto the accumulator).
/// </summary>
public sealed class QuantizedConvWeights
{
    private readonly sbyte[] _weights;
    private readonly float[] _scales;
    private readonly int[] _bias;

    /// <param name="weights">(out, in/groups, kh, kw) int8 values.</param>
    /// <param name="scales">One positive, finite scale per output channel.</param>
    /// <param name="bias">out int32 values, or empty when the spec has no bias.</param>
    public QuantizedConvWeights(Conv2dSpec spec, ReadOnlySpan<sbyte> weights, ReadOnlySpan<float> scales, ReadOnlySpan<int> bias)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (weights.Length != spec.WeightCount)
            throw new ArgumentException($"expected {spec.WeightCount} int8 weights in PyTorch order (out={spec.OutChannels}, in/groups={spec.InChannelsPerGroup}, " +
                $"kh={spec.Kernel.Height}, kw={spec.Kernel.Width}), got {weights.Length}", nameof(weights));
        if (scales.Length != spec.OutChannels)
            throw new ArgumentException($"expected one weight scale per output channel ({spec.OutChannels}), got {scales.Length}", nameof(scales));
        for (int c = 0; c < scales.Length; c++)
            if (!(scales[c] > 0) || !float.IsNormal(scales[c]))
                throw new ArgumentOutOfRangeException(nameof(scales), scales[c], $"weight scale {c} must be positive, finite and normal, not {scales[c]}");
        if (bias.Length != spec.BiasCount)
            throw new ArgumentException(spec.HasBias
                ? $"expected {spec.OutChannels} int32 bias values (one per output channel), got {bias.Length}"
                : $"the spec has no bias, but {bias.Length} bias values were given", nameof(bias));
        Spec = spec;
        _weights = weights.ToArray();
        _scales = scales.ToArray();
        _bias = bias.ToArray();
        foreach (sbyte w in _weights) LargestMagnitude = Math.Max(LargestMagnitude, Math.Abs((int)w));
    }

    /// <summary>max |w| (128 for −128): what decides whether a backend without VNNI multiplies them exactly.</summary>
    public int LargestMagnitude { get; }

    public Conv2dSpec Spec { get; }

    public ReadOnlySpan<sbyte> Weights => _weights;

    public ReadOnlySpan<float> Scales => _scales;

    public ReadOnlySpan<int> Bias => _bias;
}
