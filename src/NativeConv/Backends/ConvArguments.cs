namespace NativeConv;

/// <summary>
/// The checks every entry point into a backend runs before native code sees anything: parameter
/// counts, layouts, a geometry consistent with its spec, and buffers of exactly the geometry's lengths.
/// A few integer compares; no allocation unless an exception is thrown.
/// </summary>
internal static class ConvArguments
{
    public static void CheckLayout(TensorLayout layout)
    {
        if (layout is not (TensorLayout.Nchw or TensorLayout.Nhwc))
            throw new ArgumentOutOfRangeException(nameof(layout), layout, "must be Nchw or Nhwc");
    }

    public static void CheckParameters(ConvolutionSpec spec, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias)
    {
        if (weights.Length != spec.WeightCount)
            throw new ArgumentException($"expected {spec.WeightCount} weights in PyTorch order ({spec.WeightShape}), got {weights.Length}", nameof(weights));
        if (bias.Length != spec.BiasCount)
            throw new ArgumentException(spec.HasBias
                ? $"expected {spec.OutChannels} bias values (one per output channel), got {bias.Length}"
                : $"the spec has no bias, but {bias.Length} bias values were given", nameof(bias));
    }

    /// <summary>The geometry must be exactly what the spec resolves for its own input size.</summary>
    public static void CheckGeometry(ConvolutionSpec spec, in ConvGeometry geometry)
    {
        ConvGeometry expected = spec.Geometry(geometry.Batch, geometry.InHeight, geometry.InWidth);
        if (geometry != expected)
            throw new ArgumentException($"geometry {geometry} is not {spec}'s for input {geometry.Batch}x{spec.InChannels}x{geometry.InHeight}x{geometry.InWidth}: " +
                $"expected {expected} (use the kernel's or the spec's Geometry)", nameof(geometry));
    }

    public static void CheckBuffers(ReadOnlySpan<float> input, Span<float> output, in ConvGeometry g, TensorLayout layout)
    {
        if (input.Length != g.InputLength)
            throw new ArgumentException($"input must hold {Shape(layout, g.Batch, g.InChannels, g.InHeight, g.InWidth)} = {g.InputLength} values, got {input.Length}", nameof(input));
        if (output.Length != g.OutputLength)
            throw new ArgumentException($"output must hold {Shape(layout, g.Batch, g.OutChannels, g.OutHeight, g.OutWidth)} = {g.OutputLength} values, got {output.Length}", nameof(output));
        if (input.Overlaps(output))
            throw new ArgumentException("input and output must not overlap", nameof(output));
    }

    public static string Shape(TensorLayout layout, int n, int c, int h, int w) =>
        layout == TensorLayout.Nchw ? $"NCHW {n}x{c}x{h}x{w}" : $"NHWC {n}x{h}x{w}x{c}";
}
