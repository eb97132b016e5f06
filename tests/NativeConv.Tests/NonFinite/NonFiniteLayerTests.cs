using Xunit;
using Xunit.Abstractions;

namespace NativeConv.Tests;

/// <summary>
/// NaN and ±infinity through a layer on every backend (the reference's too) × activation × layout: the definition's
/// values (<see cref="NonFiniteRules"/>) with the default <see cref="NonFiniteValues.PyTorch"/>, canaries around the output
/// untouched, the input unchanged, and a finite call afterwards bit-identical to a fresh layer's (the repair keeps no state).
/// </summary>
public class NonFiniteLayerTests(ITestOutputHelper output)
{
    public static TheoryData<string, string, ActivationKind> Cases() =>
        TestBackends.Rows(TestBackends.Names, NonFiniteCases.Names, NonFiniteCases.Kinds);

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void Every_backend_gives_the_definitions_values(string backendName, string caseName, ActivationKind kind)
    {
        ConvBackend backend = TestBackends.GetOrSkip(backendName);
        foreach (TensorLayout layout in TestBackends.Layouts)
        {
            ConvolutionSpec spec = NonFiniteCases.Spec(caseName, NonFiniteCases.Of(kind));
            var (input, weights, bias) = NonFiniteCases.Data(spec, layout);
            ConvGeometry g = spec.Geometry(NonFiniteCases.Batch, NonFiniteCases.Height, NonFiniteCases.Width);
            var check = new OutputCheck(g.OutputLength, input, weights);
            using ILayer layer = NonFiniteCases.Layer(spec, weights, bias, backend, layout);
            layer.Forward(input, check.Output, g.Batch, g.InHeight, g.InWidth);
            Assert.Null(check.Canaries(input, weights));
            var (pre, absSum) = NonFiniteCases.Exact(spec, layout, input, weights, bias);
            Assert.True(pre.Any(double.IsNaN) && pre.Any(double.IsPositiveInfinity) && pre.Any(double.IsNegativeInfinity), "the plants reach NaN, +inf and -inf sums");
            string? problem = NonFiniteCases.Compare(spec, check.Output, pre, absSum);
            output.WriteLine($"{spec} {layout}: {problem ?? "as the definition"}");
            Assert.Null(problem);
            AssertNoState(layer, spec, weights, bias, backend, layout, g, ConvPrecision.Float32);
        }
    }

    /// <summary>
    /// An input of NaN only (a layer deep in a network after a NaN spread): every output NaN, except outputs that read no
    /// input (a stride's gap of a transposed 1x1 of stride 2), which are the bias's activation.
    /// </summary>
    [SkippableTheory]
    [MemberData(nameof(AllNaNCases))]
    public void An_input_of_NaN_only_gives_NaN_where_a_window_reads_it(string backendName, ActivationKind kind)
    {
        ConvBackend backend = TestBackends.GetOrSkip(backendName);
        Activation a = NonFiniteCases.Of(kind);
        ConvolutionSpec[] specs =
        [
            Conv2dSpec.Depthwise(8, 3, padding: 1, bias: true, activation: a),
            Conv2dSpec.Pointwise(8, 12, bias: true, activation: a),
            new Conv2dSpec(8, 4, 3, stride: 2, padding: 2, dilation: 3, activation: a),
            new ConvTranspose2dSpec(8, 4, 1, stride: 2, activation: a),
            new ConvTranspose2dSpec(8, 6, 3, stride: 2, padding: 1, outputPadding: 1, activation: a),
        ];
        foreach (ConvolutionSpec spec in specs)
        foreach (TensorLayout layout in TestBackends.Layouts)
        {
            var (_, weights, bias) = NonFiniteCases.Data(spec, layout);
            ConvGeometry g = spec.Geometry(NonFiniteCases.Batch, NonFiniteCases.Height, NonFiniteCases.Width);
            float[] input = Enumerable.Repeat(float.NaN, g.InputLength).ToArray();
            var check = new OutputCheck(g.OutputLength, input, weights);
            using (ILayer layer = NonFiniteCases.Layer(spec, weights, bias, backend, layout))
                layer.Forward(input, check.Output, g.Batch, g.InHeight, g.InWidth);
            Assert.Null(check.Canaries(input, weights));
            var (pre, absSum) = NonFiniteCases.Exact(spec, layout, input, weights, bias);
            Assert.Null(NonFiniteCases.Compare(spec, check.Output, pre, absSum));
        }
    }

    public static TheoryData<string, ActivationKind> AllNaNCases() => TestBackends.Rows(TestBackends.Names, NonFiniteCases.Kinds);

    /// <summary>
    /// Under <see cref="NonFiniteValues.Library"/> (no scan, no repair) the native kernels give their own values: printed per
    /// case (the "before" column of the layer cases), and exactly the definition's where the backend claims so
    /// (<see cref="ConvBackend.KeepsNonFinite"/>: oneDNN float32 without an activation), which is why those skip the scan.
    /// </summary>
    [SkippableTheory]
    [MemberData(nameof(NativeCases))]
    public void Library_kernels_claimed_exact_are_exact(string backendName, string caseName)
    {
        TestBackends.GetOrSkip(backendName);
        using ConvBackend backend = backendName == OneDnnBackend.BackendName
            ? new OneDnnBackend(TestBackends.Threads) { NonFiniteValues = NonFiniteValues.Library }
            : new XnnpackBackend(TestBackends.Threads) { NonFiniteValues = NonFiniteValues.Library };
        var claimed = new List<string>();
        foreach (ActivationKind kind in NonFiniteCases.Kinds)
        foreach (TensorLayout layout in TestBackends.Layouts)
        {
            ConvolutionSpec spec = NonFiniteCases.Spec(caseName, NonFiniteCases.Of(kind));
            var (input, weights, bias) = NonFiniteCases.Data(spec, layout);
            ConvGeometry g = spec.Geometry(NonFiniteCases.Batch, NonFiniteCases.Height, NonFiniteCases.Width);
            var result = new float[g.OutputLength];
            using (ILayer layer = NonFiniteCases.Layer(spec, weights, bias, backend, layout))
                layer.Forward(input, result, g.Batch, g.InHeight, g.InWidth);
            var (pre, absSum) = NonFiniteCases.Exact(spec, layout, input, weights, bias);
            string? problem = NonFiniteCases.Compare(spec, result, pre, absSum);
            bool exact = backend.KeepsNonFinite(spec.Activation, ConvPrecision.Float32);
            output.WriteLine($"{backendName} Library {spec} {layout}: {problem ?? "as the definition"}{(exact ? " (claimed exact)" : "")}");
            if (exact && problem is not null) claimed.Add($"{spec} {layout}: {problem}");
        }
        Assert.Empty(claimed);
    }

    public static TheoryData<string, string> NativeCases() => TestBackends.Rows(TestBackends.Native, NonFiniteCases.Names);

    /// <summary>bfloat16 (oneDNN where the CPU has it) and dynamic int8 (XNNPACK, pointwise): the same classes as the definition;
    /// outputs whose windows are finite as the same layer gives them with the non-finite inputs replaced by zeros.</summary>
    [SkippableTheory]
    [MemberData(nameof(Precisions))]
    public void Other_precisions_give_the_definitions_values(string backendName, ConvPrecision precision, ActivationKind kind)
    {
        ConvBackend backend = TestBackends.GetOrSkip(backendName);
        Skip.If(backend.CannotRun(precision) is not null, backend.CannotRun(precision) ?? "");
        string caseName = precision == ConvPrecision.DynamicInt8 ? "pointwise" : "depthwise 3x3 s1";
        foreach (string name in precision == ConvPrecision.DynamicInt8 ? [caseName] : new[] { caseName, "pointwise", "full 3x3" })
        foreach (TensorLayout layout in TestBackends.Layouts)
        {
            ConvolutionSpec spec = NonFiniteCases.Spec(name, NonFiniteCases.Of(kind));
            var (input, weights, bias) = NonFiniteCases.Data(spec, layout);
            ConvGeometry g = spec.Geometry(NonFiniteCases.Batch, NonFiniteCases.Height, NonFiniteCases.Width);
            using ILayer layer = NonFiniteCases.Layer(spec, weights, bias, backend, layout, precision);
            var check = new OutputCheck(g.OutputLength, input, weights);
            layer.Forward(input, check.Output, g.Batch, g.InHeight, g.InWidth);
            Assert.Null(check.Canaries(input, weights));
            float[] zeroed = input.Select(v => float.IsFinite(v) ? v : 0f).ToArray();
            var finite = new float[g.OutputLength];
            layer.Forward(zeroed, finite, g.Batch, g.InHeight, g.InWidth);
            var (pre, _) = NonFiniteCases.Exact(spec, layout, input, weights, bias);
            var (windows, _) = NonFiniteCases.Exact(spec, layout, input.Select(v => float.IsFinite(v) ? 0f : v).ToArray(), weights, new float[bias.Length]);
            for (int o = 0; o < g.OutputLength; o++)
            {
                double expected = spec.Activation.Apply(pre[o]);
                float actual = check.Output[o];
                bool ok = windows[o] == 0 // no non-finite input in the window (NaN and infinities never sum to 0 here)
                    ? BitConverter.SingleToInt32Bits(actual) == BitConverter.SingleToInt32Bits(finite[o])
                    : double.IsNaN(expected) ? float.IsNaN(actual) : actual == (float)expected;
                Assert.True(ok, $"{spec} {layout} {precision}: output {o} is {actual}, expected {(windows[o] == 0 ? finite[o] : expected)}");
            }
        }
    }

    public static TheoryData<string, ConvPrecision, ActivationKind> Precisions() =>
        TestBackends.Rows(TestBackends.Native, new[] { ConvPrecision.BFloat16, ConvPrecision.DynamicInt8 }, NonFiniteCases.Kinds);

    /// <summary>A finite call after a non-finite one gives what a fresh layer gives, bit for bit.</summary>
    private static void AssertNoState(ILayer layer, ConvolutionSpec spec, float[] weights, float[] bias, ConvBackend backend, TensorLayout layout,
        ConvGeometry g, ConvPrecision precision)
    {
        var r = new Random(3);
        float[] finite = Enumerable.Range(0, g.InputLength).Select(_ => (float)r.Next(-2, 3)).ToArray();
        var after = new float[g.OutputLength];
        var fresh = new float[g.OutputLength];
        layer.Forward(finite, after, g.Batch, g.InHeight, g.InWidth);
        using (ILayer other = NonFiniteCases.Layer(spec, weights, bias, backend, layout, precision))
            other.Forward(finite, fresh, g.Batch, g.InHeight, g.InWidth);
        Assert.Equal(fresh.Select(BitConverter.SingleToInt32Bits), after.Select(BitConverter.SingleToInt32Bits));
    }
}
