namespace NativeConv.Testing;

/// <summary>One seeded conformance case: a spec, an input shape, a layout and its data.</summary>
public sealed record ConformanceCase(int Index, Conv2dSpec Spec, TensorLayout Layout, int Batch, int Height, int Width, bool IntegerData)
{
    /// <summary>Input, weights and bias, regenerated from the case index (nothing is stored).</summary>
    public (float[] Input, float[] Weights, float[] Bias) Data()
    {
        var random = new Random(1_000_003 * Index + 17);
        ConvGeometry g = Spec.Geometry(Batch, Height, Width);
        float[] Fill(int length, int range) => Enumerable.Range(0, length)
            .Select(_ => IntegerData ? random.Next(-range, range + 1) : (float)(random.NextDouble() * 2 - 1) * range)
            .ToArray();
        return (Fill(g.InputLength, 3), Fill(Spec.WeightCount, 2), Fill(Spec.BiasCount, 4));
    }

    public override string ToString() =>
        $"#{Index} {Spec} on {Batch}x{Spec.InChannels}x{Height}x{Width} {Layout} {(IntegerData ? "int" : "float")}";
}
