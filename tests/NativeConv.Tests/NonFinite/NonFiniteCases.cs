namespace NativeConv.Tests;

/// <summary>
/// Small convolutions with NaN, +∞ and −∞ planted where they test something: isolated, a +∞ beside a −∞ (windows holding
/// both), an infinity meeting a zero weight, infinities in the corners next to the padding; integer-valued finite data so
/// the finite outputs have exact cross-checks.
/// </summary>
internal static class NonFiniteCases
{
    public const int Batch = 2, Height = 7, Width = 7;

    public static readonly string[] Names = ["depthwise 3x3 s1", "depthwise 3x3 s2", "pointwise", "grouped 3x3", "full 3x3", "transposed 3x3 s2"];

    /// <summary>Every activation kind, a clamp with bounds of its own (so a new kind is covered without listing it).</summary>
    public static IEnumerable<ActivationKind> Kinds => Enum.GetValues<ActivationKind>();

    public static Activation Of(ActivationKind kind) => kind == ActivationKind.Clamp
        ? Activation.Clamp(-1.5f, 2f)
        : (Activation)(typeof(Activation).GetProperty(kind.ToString())?.GetValue(null)
            ?? throw new InvalidOperationException($"no Activation.{kind} to test"));

    public static ConvolutionSpec Spec(string name, Activation a) => name switch
    {
        "depthwise 3x3 s1" => Conv2dSpec.Depthwise(8, 3, stride: 1, padding: 1, bias: true, activation: a),
        "depthwise 3x3 s2" => Conv2dSpec.Depthwise(8, 3, stride: 2, padding: 1, bias: true, activation: a),
        "pointwise" => Conv2dSpec.Pointwise(8, 12, bias: true, activation: a),
        "grouped 3x3" => new Conv2dSpec(8, 12, 3, padding: 1, groups: 2, activation: a),
        "full 3x3" => new Conv2dSpec(8, 6, 3, stride: 2, padding: 1, activation: a),
        "transposed 3x3 s2" => new ConvTranspose2dSpec(8, 6, 3, stride: 2, padding: 1, outputPadding: 1, activation: a),
        _ => throw new ArgumentException(name),
    };

    /// <summary>The planted values, at (n, c, y, x).</summary>
    public static readonly (int N, int C, int Y, int X, float Value)[] Plants =
    [
        (0, 1, 3, 3, float.NaN),
        (0, 2, 1, 4, float.PositiveInfinity),
        (0, 2, 1, 5, float.NegativeInfinity),
        (1, 0, 0, 0, float.NegativeInfinity),
        (1, 3, 6, 6, float.PositiveInfinity),
        (1, 5, 0, 6, float.NaN),
        (1, 7, 4, 2, float.PositiveInfinity),
    ];

    /// <summary>Integer-valued input in [−2, 2] and weights in [−2, 2] with zeros among them (the first of every channel's taps), bias in [−3, 3].</summary>
    public static (float[] Input, float[] Weights, float[] Bias) Data(ConvolutionSpec spec, TensorLayout layout)
    {
        // A seed of the shape alone (record hash codes vary between processes): every activation sees the same data.
        var r = new Random(spec.InChannels * 1009 + spec.OutChannels * 31 + spec.Groups * 7 + spec.Stride.Height + (spec is ConvTranspose2dSpec ? 5 : 0));
        var input = new float[Batch * spec.InChannels * Height * Width];
        for (int i = 0; i < input.Length; i++) input[i] = r.Next(-2, 3);
        var weights = new float[spec.WeightCount];
        for (int i = 0; i < weights.Length; i++) weights[i] = r.Next(-2, 3);
        int perChannel = weights.Length / (spec is ConvTranspose2dSpec ? spec.InChannels : spec.OutChannels);
        for (int i = 0; i < weights.Length; i += perChannel) weights[i] = 0; // an infinity meets a zero weight
        var bias = new float[spec.BiasCount];
        for (int i = 0; i < bias.Length; i++) bias[i] = r.Next(-3, 4);
        foreach (var (n, c, y, x, value) in Plants)
            input[ExpectedConvolution.Index(layout, n, c, y, x, spec.InChannels, Height, Width)] = value;
        return (input, weights, bias);
    }

    /// <summary>The exact pre-activation values (IEEE in double: NaN and ±∞ as the definition gives them) and Σ|w·x| + |b|.</summary>
    public static (double[] Pre, double[] AbsSum) Exact(ConvolutionSpec spec, TensorLayout layout, ReadOnlySpan<float> input,
        ReadOnlySpan<float> weights, ReadOnlySpan<float> bias)
    {
        ConvGeometry g = spec.Geometry(Batch, Height, Width);
        return spec switch
        {
            Conv2dSpec c => ExpectedConvolution.Compute(c, layout, g, input, weights, bias),
            ConvTranspose2dSpec t => ExpectedConvTranspose.Compute(t, layout, g, input, weights, bias),
            _ => throw new ArgumentException(spec.ToString()),
        };
    }

    /// <summary>A layer of <paramref name="spec"/> on <paramref name="backend"/>, in float32 or another precision.</summary>
    public static ILayer Layer(ConvolutionSpec spec, float[] weights, float[] bias, ConvBackend backend, TensorLayout layout,
        ConvPrecision precision = ConvPrecision.Float32) => spec switch
    {
        Conv2dSpec c => new Conv2dLayer(c, weights, bias, backend, layout, precision),
        ConvTranspose2dSpec t => new ConvTranspose2dLayer(t, weights, bias, backend, layout),
        _ => throw new ArgumentException(spec.ToString()),
    };

    /// <summary>
    /// What is wrong with <paramref name="actual"/> against the exact values, or null: NaN exactly where the reference has NaN,
    /// the same infinities, finite values within <see cref="ErrorBound"/> (exactly equal where the bound is not finite: an
    /// activation's value of an infinity, e.g. relu(−∞) = 0). Zeros compare as zeros whatever their sign.
    /// </summary>
    public static string? Compare(ConvolutionSpec spec, ReadOnlySpan<float> actual, double[] pre, double[] absSum, bool integerData = true)
    {
        int failures = 0;
        string? first = null;
        for (int o = 0; o < actual.Length; o++)
        {
            double expected = spec.Activation.Apply(pre[o]);
            float a = actual[o];
            bool ok = double.IsNaN(expected) ? float.IsNaN(a)
                : double.IsInfinity(expected) ? a == expected
                : float.IsFinite(a) && (double.IsFinite(absSum[o])
                    ? Math.Abs(a - expected) <= ErrorBound.For(spec, pre[o], absSum[o], integerData)
                    : a == (float)expected);
            if (!ok && failures++ == 0) first = $"output {o}: {a} where the definition gives {expected} (pre-activation {pre[o]})";
        }
        return failures == 0 ? null : $"{failures} of {actual.Length} outputs differ; first: {first}";
    }
}
