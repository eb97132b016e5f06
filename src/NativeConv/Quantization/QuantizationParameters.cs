using System.Numerics;

namespace NativeConv;

/// <summary>
/// How one tensor's integers stand for reals: real = <see cref="Scale"/> · (q − <see cref="ZeroPoint"/>),
/// per tensor, as ONNX QLinearConv and TFLite quantize activations.
/// </summary>
public readonly record struct QuantizationParameters(float Scale, int ZeroPoint)
{
    /// <summary>Throws naming <paramref name="argument"/> unless the scale is positive, finite and normal and the zero point fits <typeparamref name="T"/>.</summary>
    public void Validate<T>(string argument) where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T>
    {
        if (!(Scale > 0) || !float.IsNormal(Scale))
            throw new ArgumentOutOfRangeException(argument, Scale, $"scale must be positive, finite and normal, not {Scale}");
        int min = int.CreateChecked(T.MinValue), max = int.CreateChecked(T.MaxValue);
        if (ZeroPoint < min || ZeroPoint > max)
            throw new ArgumentOutOfRangeException(argument, ZeroPoint, $"zero point {ZeroPoint} is outside {typeof(T).Name}'s range [{min}, {max}]");
    }

    /// <summary>
    /// The integer nearest <paramref name="value"/> / Scale + ZeroPoint (ties to even), clamped to [min, max]: ±infinity
    /// saturates, NaN is the zero point (it dequantizes to 0; an integer has no NaN).
    /// </summary>
    public int Quantize(float value, int min, int max) => float.IsNaN(value) ? ZeroPoint
        : (int)Math.Clamp(Math.Round((double)value / Scale, MidpointRounding.ToEven) + ZeroPoint, min, max);

    public float Dequantize(int q) => Scale * (q - ZeroPoint);

    public override string ToString() => $"scale {Scale:R}, zero point {ZeroPoint}";
}
