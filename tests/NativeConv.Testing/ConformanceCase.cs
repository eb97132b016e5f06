namespace NativeConv.Testing;

/// <summary>One seeded conformance case: a spec, an input shape, a layout and its data.</summary>
public sealed record ConformanceCase(int Index, Conv2dSpec Spec, TensorLayout Layout, int Batch, int Height, int Width, bool IntegerData)
{
    /// <summary>Input, weights and bias, regenerated from the case index (nothing is stored).</summary>
    public (float[] Input, float[] Weights, float[] Bias) Data() => SeededData(Spec, Index, Batch, Height, Width, IntegerData);

    /// <summary>
    /// A case's input (|x| ≤ 3), weights (|w| ≤ 2) and bias (|b| ≤ 4) drawn from its seed: integers (every sum exact in
    /// float32 for the accumulation lengths drawn here) or uniform random values.
    /// </summary>
    public static (float[] Input, float[] Weights, float[] Bias) SeededData(ConvolutionSpec spec, int seed, int batch, int height, int width, bool integerData)
    {
        var random = new Random(1_000_003 * seed + 17);
        ConvGeometry g = spec.Geometry(batch, height, width);
        float[] Fill(int length, int range) => Enumerable.Range(0, length)
            .Select(_ => integerData ? random.Next(-range, range + 1) : (float)(random.NextDouble() * 2 - 1) * range)
            .ToArray();
        return (Fill(g.InputLength, 3), Fill(spec.WeightCount, 2), Fill(spec.BiasCount, 4));
    }

    public override string ToString() =>
        $"#{Index} {Spec} on {Batch}x{Spec.InChannels}x{Height}x{Width} {Layout} {(IntegerData ? "int" : "float")}";
}
