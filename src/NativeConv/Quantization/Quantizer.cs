using System.Numerics;

namespace NativeConv;

/// <summary>
/// Going between float and quantized data: tensors quantized and dequantized with given parameters,
/// activation parameters calibrated from the range seen over sample data, and a float layer's weights
/// turned into a quantized layer's (symmetric int8 per output channel, the bias in the accumulator's scale).
/// </summary>
public static class Quantizer
{
    /// <summary>q = clamp(round_half_even(x / scale) + zero point) into <typeparamref name="T"/> (±infinity saturates, NaN: the zero point, which dequantizes to 0); vectorized for byte and sbyte.</summary>
    public static void Quantize<T>(ReadOnlySpan<float> values, Span<T> quantized, QuantizationParameters parameters)
        where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T>
    {
        parameters.Validate<T>(nameof(parameters));
        if (quantized.Length != values.Length) throw new ArgumentException($"quantized has {quantized.Length} elements, values {values.Length}", nameof(quantized));
        int min = int.CreateChecked(T.MinValue), max = int.CreateChecked(T.MaxValue);
        for (int i = QuantizedVectors.Quantize(values, quantized, parameters); i < values.Length; i++)
            quantized[i] = T.CreateTruncating(parameters.Quantize(values[i], min, max));
    }

    /// <summary>x = scale · (q − zero point); vectorized for byte and sbyte.</summary>
    public static void Dequantize<T>(ReadOnlySpan<T> quantized, Span<float> values, QuantizationParameters parameters)
        where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T>
    {
        parameters.Validate<T>(nameof(parameters));
        if (quantized.Length != values.Length) throw new ArgumentException($"values has {values.Length} elements, quantized {quantized.Length}", nameof(values));
        for (int i = QuantizedVectors.Dequantize(quantized, values, parameters); i < values.Length; i++)
            values[i] = parameters.Dequantize(int.CreateTruncating(quantized[i]));
    }

    /// <summary>
    /// Asymmetric parameters covering [min, max] of <paramref name="samples"/> (widened to include 0, so
    /// zero is exact, as padding needs): scale = (max − min) / (type range), zero point = the integer 0 maps to.
    /// </summary>
    public static QuantizationParameters Calibrate<T>(IEnumerable<float[]> samples) where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T>
    {
        ArgumentNullException.ThrowIfNull(samples);
        float lo = 0, hi = 0;
        bool any = false;
        foreach (float[] sample in samples)
            foreach (float v in sample)
            {
                if (!float.IsFinite(v)) throw new ArgumentException($"calibration data holds {v}", nameof(samples));
                lo = Math.Min(lo, v);
                hi = Math.Max(hi, v);
                any = true;
            }
        if (!any) throw new ArgumentException("no calibration data", nameof(samples));
        return FromRange<T>(lo, hi);
    }

    /// <summary>The parameters <see cref="Calibrate{T}"/> gives for data whose smallest value is <paramref name="lo"/> and largest <paramref name="hi"/> (both widened to include 0).</summary>
    internal static QuantizationParameters FromRange<T>(float lo, float hi) where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T>
    {
        (lo, hi) = (Math.Min(lo, 0), Math.Max(hi, 0));
        int qmin = int.CreateChecked(T.MinValue), qmax = int.CreateChecked(T.MaxValue);
        float scale = hi > lo ? (hi - lo) / (qmax - qmin) : 1f;
        int zero = (int)Math.Clamp(Math.Round(qmin - lo / scale, MidpointRounding.ToEven), qmin, qmax);
        return new QuantizationParameters(scale, zero);
    }

    /// <summary>
    /// A float convolution's weights (PyTorch order) and bias as int8 weights with one symmetric scale per output
    /// channel (max |w| / 127) and an int32 bias in the accumulator's scale (input scale · weight scale).
    /// <paramref name="weightBits"/> 7 keeps the weights within ±63 (max |w| / 63), what a backend whose
    /// <see cref="ConvBackend.ExactInt8WeightBits"/> is 7 multiplies exactly.
    /// </summary>
    public static QuantizedConvWeights QuantizeWeights(Conv2dSpec spec, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, float inputScale,
        int weightBits = 8)
    {
        if (weightBits is < 2 or > 8) throw new ArgumentOutOfRangeException(nameof(weightBits), weightBits, "must be 2 to 8");
        ArgumentNullException.ThrowIfNull(spec);
        ConvArguments.CheckParameters(spec, weights, bias);
        if (!(inputScale > 0) || !float.IsNormal(inputScale)) throw new ArgumentOutOfRangeException(nameof(inputScale), inputScale, "must be positive, finite and normal");
        var q = new sbyte[weights.Length];
        var scales = new float[spec.OutChannels];
        var qBias = new int[spec.BiasCount];
        QuantizePerOutputChannel(spec, weights, q, scales, weightBits);
        if (spec.HasBias)
            for (int oc = 0; oc < spec.OutChannels; oc++)
                qBias[oc] = (int)Math.Clamp(Math.Round(bias[oc] / ((double)inputScale * scales[oc]), MidpointRounding.ToEven), int.MinValue, int.MaxValue);
        return new QuantizedConvWeights(spec, q, scales, qBias);
    }

    /// <summary>
    /// Symmetric per output channel in <paramref name="bits"/> bits (qmax = 127 for 8): scale = max |w| / qmax (1 for an
    /// all-zero channel), q = round_half_even(w / scale), so |w − scale · q| ≤ scale / 2. Weights stay in their order;
    /// <paramref name="weights"/> is checked by the caller.
    /// </summary>
    internal static void QuantizePerOutputChannel(Conv2dSpec spec, ReadOnlySpan<float> weights, Span<sbyte> quantized, Span<float> scales, int bits = 8)
    {
        int per = spec.WeightsPerOutputChannel, qmax = (1 << (bits - 1)) - 1;
        for (int oc = 0; oc < spec.OutChannels; oc++)
        {
            float largest = 0;
            for (int i = 0; i < per; i++) largest = Math.Max(largest, Math.Abs(weights[oc * per + i]));
            scales[oc] = largest > 0 ? largest / qmax : 1f;
            for (int i = 0; i < per; i++)
                quantized[oc * per + i] = (sbyte)Math.Clamp(Math.Round(weights[oc * per + i] / scales[oc], MidpointRounding.ToEven), -qmax, qmax);
        }
    }
}
