namespace NativeConv;

/// <summary>
/// From an int32 accumulator to an output integer, step by step, the way XNNPACK's fp32 requantization
/// does it (src/operators/convolution-nhwc.c and the qs8 qc8w microkernels of XNNPACK 4ea82e5):
/// <list type="number">
/// <item>the multiplier, once per output channel, in float: (input scale · weight scale) / output scale,
/// each operation rounded to float (it must be below 256);</item>
/// <item>the accumulator converted to float (exact below 2²⁴) and multiplied by it, rounded to float;</item>
/// <item>clamped, in float, to [min − zero point, max − zero point] (the activation's range);</item>
/// <item>rounded to the nearest integer, ties to even (the magic-bias / cvtps2dq rounding), plus the zero point.</item>
/// </list>
/// oneDNN computes in another order — float(acc) · (input scale · weight scale), + bias as float, then
/// · (1 / output scale), + zero point, rounded to nearest even (its int8 convolution with scales and zero
/// points, oneDNN 3.7 docs "Quantization") — so its results may differ by one step where a product lands
/// near a half: the conformance tests count those per backend.
/// </summary>
public static class Requantization
{
    public static float Multiplier(float inputScale, float weightScale, float outputScale) => inputScale * weightScale / outputScale;

    public static int Apply(int accumulator, float multiplier, int zeroPoint, int min, int max)
    {
        float scaled = (float)accumulator * multiplier;
        scaled = Math.Clamp(scaled, (float)(min - zeroPoint), (float)(max - zeroPoint));
        return (int)MathF.Round(scaled, MidpointRounding.ToEven) + zeroPoint;
    }

    /// <summary>
    /// The quantized range an activation leaves: ReLU from the zero point, ReLU6 up to 6 quantized, a clamp
    /// its bounds quantized; within [<paramref name="typeMin"/>, <paramref name="typeMax"/>].
    /// </summary>
    public static (int Min, int Max) Range(Activation activation, QuantizationParameters output, int typeMin, int typeMax) => activation.Kind switch
    {
        ActivationKind.None => (typeMin, typeMax),
        ActivationKind.ReLU => (Math.Max(typeMin, output.ZeroPoint), typeMax),
        ActivationKind.ReLU6 => (Math.Max(typeMin, output.ZeroPoint), Math.Min(typeMax, output.Quantize(6f, typeMin, typeMax))),
        ActivationKind.Clamp => (Math.Max(typeMin, output.Quantize(activation.Min, typeMin, typeMax)), Math.Min(typeMax, output.Quantize(activation.Max, typeMin, typeMax))),
        _ => throw new NotSupportedException(Refusal(activation)),
    };

    /// <summary>Why <paramref name="activation"/> has no quantized form (the saturating ones: a clamp of the range), or null when it has one.</summary>
    public static string? Refusal(Activation activation) => activation.Kind is ActivationKind.None or ActivationKind.ReLU or ActivationKind.ReLU6 or ActivationKind.Clamp
        ? null : $"{activation} has no quantized form here: int8 layers take None, ReLU, ReLU6 or a clamp";
}
