namespace NativeConv.Testing;

/// <summary>
/// One conformance check of a layer kind on a backend: the reference runs the case, the backend runs it into an
/// <see cref="OutputCheck"/>, the canaries are read, the reference is checked against an independent double-precision
/// evaluation, and every output against its bound. Shared by the convolution and transposed-convolution tests.
/// </summary>
public static class ConformanceRun
{
    /// <summary>The exact pre-activation values and Σ|w·x| + |b| of every output (in the layout's order).</summary>
    public delegate (double[] PreActivation, double[] AbsSum) Exact<TSpec>(TSpec spec, TensorLayout layout, ConvGeometry geometry,
        ReadOnlySpan<float> input, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias);

    /// <param name="layer">Makes the layer under test on a backend (the reference's too).</param>
    /// <param name="referenceSteps">Float steps the reference may be from the exact value rounded once (0: none).</param>
    /// <returns>What failed (null: nothing), and the largest |error|/bound.</returns>
    public static (string? Problem, double Worst) Check<TSpec>(TSpec spec, TensorLayout layout, int batch, int height, int width, bool integerData,
        (float[] Input, float[] Weights, float[] Bias) data, ConvBackend backend, Func<ConvBackend, ConvLayer<TSpec>> layer,
        Exact<TSpec> exact, int referenceSteps, Action<string> log) where TSpec : ConvolutionSpec
    {
        var (input, weights, bias) = data;
        ConvGeometry g = spec.Geometry(batch, height, width);
        var reference = new float[g.OutputLength];
        using (ConvLayer<TSpec> r = layer(new ReferenceBackend()))
            r.Forward(input, reference, batch, height, width);
        var check = new OutputCheck(g.OutputLength, input, weights);
        using (ConvLayer<TSpec> l = layer(backend))
        {
            l.Forward(input, check.Output, batch, height, width);
            log($"{backend.Name}: {l.ImplementationName}; {l.Capabilities}");
        }
        if (check.Canaries(input, weights) is { } canary) return (canary, 0);
        var (pre, absSum) = exact(spec, layout, g, input, weights, bias);
        if (OutputCheck.ReferenceProblem(spec, reference, pre, referenceSteps) is { } wrong) return (wrong, 0);
        var (failures, worst, first) = check.Compare(spec, reference, pre, absSum, integerData);
        first.ForEach(log);
        return (failures == 0 ? null : $"{failures} of {g.OutputLength} outputs beyond their bound", worst);
    }
}
