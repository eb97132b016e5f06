namespace NativeConv.Testing;

/// <summary>
/// How a backend's output is judged, the same way by every conformance check (convolution, transposed convolution,
/// the emulated arm64 run): an output buffer with canaries on both sides that must stay, an input and weights that
/// must come back unchanged, and every value within <see cref="ErrorBound"/> of the reference.
/// </summary>
public sealed class OutputCheck
{
    public const int Guard = 64;
    public const float GuardValue = -123.25f;

    private readonly float[] _guarded;
    private readonly float[] _inputBefore, _weightsBefore;

    public OutputCheck(int outputLength, float[] input, float[] weights)
    {
        Length = outputLength;
        _guarded = new float[outputLength + 2 * Guard];
        Array.Fill(_guarded, GuardValue);
        _inputBefore = input.ToArray();
        _weightsBefore = weights.ToArray();
    }

    public int Length { get; }

    /// <summary>Where the backend writes its output.</summary>
    public Span<float> Output => _guarded.AsSpan(Guard, Length);

    /// <summary>What went wrong around the computation (a write outside the output, a changed input or weight), or null.</summary>
    public string? Canaries(float[] input, float[] weights)
    {
        if (_guarded.AsSpan(0, Guard).ContainsAnyExcept(GuardValue)) return "write before the output buffer";
        if (_guarded.AsSpan(Guard + Length).ContainsAnyExcept(GuardValue)) return "write after the output buffer";
        if (!input.AsSpan().SequenceEqual(_inputBefore)) return "input changed";
        if (!weights.AsSpan().SequenceEqual(_weightsBefore)) return "weights changed";
        return null;
    }

    /// <summary>
    /// Every output against the reference's: how many are beyond their bound, the largest |error|/bound, and the first
    /// <paramref name="describe"/> failures described.
    /// </summary>
    public (int Failures, double Worst, List<string> First) Compare(ConvolutionSpec spec, float[] reference, double[] pre, double[] absSum,
        bool integerData, int describe = 5)
    {
        int failures = 0;
        double worst = 0;
        var first = new List<string>();
        ReadOnlySpan<float> actual = Output;
        for (int o = 0; o < Length; o++)
        {
            double error = Math.Abs((double)actual[o] - reference[o]);
            double bound = ErrorBound.For(spec, pre[o], absSum[o], integerData);
            if (!(error <= bound) && failures++ < describe)
                first.Add($"output {o}: {actual[o]} vs reference {reference[o]}: |error| {error:e3} > bound {bound:e3}");
            if (error > 0) worst = Math.Max(worst, bound > 0 ? error / bound : double.PositiveInfinity);
        }
        return (failures, worst, first);
    }

    /// <summary>
    /// Null when the reference is the exact value rounded once to float, or within <paramref name="steps"/> float steps of it
    /// (a reference summing in double in another order than the exact evaluation may land one step away); otherwise why not.
    /// </summary>
    public static string? ReferenceProblem(ConvolutionSpec spec, float[] reference, double[] pre, int steps = 0)
    {
        for (int o = 0; o < reference.Length; o++)
        {
            float exact = (float)spec.Activation.Apply(pre[o]), low = exact, high = exact;
            for (int i = 0; i < steps; i++) (low, high) = (MathF.BitDecrement(low), MathF.BitIncrement(high));
            if (!(reference[o] >= low && reference[o] <= high)) return $"reference output {o} = {reference[o]}, exact {exact}";
        }
        return null;
    }
}
