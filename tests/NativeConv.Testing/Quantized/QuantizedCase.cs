namespace NativeConv.Testing;

/// <summary>One seeded int8 conformance case: spec, shape, layout, signedness, quantization parameters; data regenerated from the index.</summary>
public sealed record QuantizedCase(int Index, Conv2dSpec Spec, TensorLayout Layout, int Batch, int Height, int Width, bool Unsigned,
    QuantizationParameters Input, QuantizationParameters Output, float WeightScaleBase)
{
    /// <summary>Input bytes (as int: cast to byte or sbyte), int8 weights, per-channel scales and int32 bias, from the case index.</summary>
    public (int[] Input, sbyte[] Weights, float[] Scales, int[] Bias) Data()
    {
        var r = new Random(7_000_003 * Index + 5);
        ConvGeometry g = Spec.Geometry(Batch, Height, Width);
        int lo = Unsigned ? 0 : -128, hi = Unsigned ? 255 : 127;
        var input = new int[g.InputLength];
        for (int i = 0; i < input.Length; i++) input[i] = r.Next(lo, hi + 1);
        var weights = new sbyte[Spec.WeightCount];
        for (int i = 0; i < weights.Length; i++) weights[i] = (sbyte)r.Next(-127, 128);
        var scales = new float[Spec.OutChannels];
        for (int c = 0; c < scales.Length; c++) scales[c] = WeightScaleBase * (float)(0.5 + r.NextDouble());
        var bias = new int[Spec.BiasCount];
        for (int c = 0; c < bias.Length; c++) bias[c] = r.Next(-20_000, 20_001);
        return (input, weights, scales, bias);
    }

    public override string ToString() =>
        $"#{Index} {Spec} on {Batch}x{Spec.InChannels}x{Height}x{Width} {Layout} {(Unsigned ? "uint8" : "int8")} in({Input}) out({Output})";
}
