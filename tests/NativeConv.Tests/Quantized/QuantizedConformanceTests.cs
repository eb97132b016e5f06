using System.Collections.Concurrent;
using System.Numerics;
using Xunit;
using Xunit.Abstractions;

namespace NativeConv.Tests;

/// <summary>
/// Every native backend's int8 convolution against the exact reference (integer accumulation, XNNPACK's
/// fp32 requantization written out in <see cref="Requantization"/>), on 520 seeded cases each, with guard
/// regions around the output and the input checked unchanged. A native result must equal the reference or
/// differ by one step where its rounding differs (oneDNN's order of float operations); the exact and
/// off-by-one counts per backend go to artifacts/int8-conformance.txt. Where a backend multiplies only 7-bit
/// weights exactly on this CPU (<see cref="ConvBackend.ExactInt8WeightBits"/>: oneDNN without VNNI), wider
/// weights must be refused, and the case runs again with them halved.
/// </summary>
public class QuantizedConformanceTests(ITestOutputHelper log)
{
    private const int Guard = 64;
    private static readonly ConcurrentDictionary<string, (long Exact, long OffByOne, int Cases)> Counts = new();

    public static TheoryData<string, int> Cases()
    {
        var data = new TheoryData<string, int>();
        foreach (string backend in TestBackends.Native)
            for (int i = 0; i < QuantizedCases.Count; i++)
                data.Add(backend, i);
        return data;
    }

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void Backend_matches_the_exact_reference_within_one_step(string backendName, int index)
    {
        ConvBackend backend = TestBackends.GetOrSkip(backendName);
        QuantizedCase c = QuantizedCases.All[index];
        log.WriteLine(c.ToString());
        var (exact, offByOne) = c.Unsigned ? Run<byte>(backend, c) : Run<sbyte>(backend, c);
        Counts.AddOrUpdate(backendName, (exact, offByOne, 1), (_, s) => (s.Exact + exact, s.OffByOne + offByOne, s.Cases + 1));
        Write();
    }

    private (long Exact, long OffByOne) Run<T>(ConvBackend backend, QuantizedCase c) where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T>
    {
        var (inputInts, w, scales, bias) = c.Data();
        T[] input = inputInts.Select(v => T.CreateTruncating(v)).ToArray();
        T[] before = input.ToArray();
        var weights = new QuantizedConvWeights(c.Spec, w, scales, bias);
        int limit = (1 << (backend.ExactInt8WeightBits - 1)) - 1;
        if (weights.LargestMagnitude > limit)
        {
            // A backend that saturates 8-bit weights here (oneDNN without VNNI) refuses them, then runs the
            // same case with the weights halved into its exact range, still held to the reference.
            var refused = Assert.Throws<NotSupportedException>(() => new QuantizedConv2dLayer<T>(weights, c.Input, c.Output, backend, c.Layout));
            Assert.Contains($"±{limit}", refused.Message);
            weights = new QuantizedConvWeights(c.Spec, w.Select(v => (sbyte)(v / 2)).ToArray(), scales, bias);
        }
        ConvGeometry g = c.Spec.Geometry(c.Batch, c.Height, c.Width);
        var expected = new T[g.OutputLength];
        using (var reference = new QuantizedConv2dLayer<T>(weights, c.Input, c.Output, new ReferenceBackend(), c.Layout))
            reference.Forward(input, expected, c.Batch, c.Height, c.Width);

        T guardValue = T.CreateTruncating(0x5A);
        var guarded = new T[g.OutputLength + 2 * Guard];
        Array.Fill(guarded, guardValue);
        using (var layer = new QuantizedConv2dLayer<T>(weights, c.Input, c.Output, backend, c.Layout))
        {
            layer.Forward(input, guarded.AsSpan(Guard, g.OutputLength), c.Batch, c.Height, c.Width);
            log.WriteLine($"{backend.Name}: {layer.ImplementationName}");
        }
        Assert.True(guarded.AsSpan(0, Guard).ToArray().All(v => v == guardValue), "write before the output buffer");
        Assert.True(guarded.AsSpan(Guard + g.OutputLength).ToArray().All(v => v == guardValue), "write after the output buffer");
        Assert.Equal(before, input);

        long exact = 0, off = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            int e = int.CreateTruncating(expected[i]), a = int.CreateTruncating(guarded[Guard + i]);
            if (e == a) exact++;
            else if (Math.Abs(e - a) == 1) off++;
            else Assert.Fail($"{c}: output {i} = {a}, the reference {e}: more than one step apart");
        }
        return (exact, off);
    }

    /// <summary>
    /// The set is not vacuous: a case whose every output sits at one value (one channel, a large bias, a clamp)
    /// compares little, and may occur, but nearly all must spread over several values.
    /// </summary>
    [Fact]
    public void Nearly_every_case_spreads_its_outputs_over_several_values()
    {
        int spread = QuantizedCases.All.Count(c => c.Unsigned ? Distinct<byte>(c) > 1 : Distinct<sbyte>(c) > 1);
        log.WriteLine($"{spread} of {QuantizedCases.Count} cases have more than one distinct output value");
        Assert.True(spread >= QuantizedCases.Count * 95 / 100, $"only {spread} of {QuantizedCases.Count} cases spread their outputs");
    }

    private static int Distinct<T>(QuantizedCase c) where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T>
    {
        var (inputInts, w, scales, bias) = c.Data();
        using var reference = new QuantizedConv2dLayer<T>(new QuantizedConvWeights(c.Spec, w, scales, bias), c.Input, c.Output, new ReferenceBackend(), c.Layout);
        var y = new T[c.Spec.Geometry(c.Batch, c.Height, c.Width).OutputLength];
        reference.Forward(inputInts.Select(v => T.CreateTruncating(v)).ToArray(), y, c.Batch, c.Height, c.Width);
        return y.Distinct().Count();
    }

    private static void Write()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (!File.Exists(Path.Combine(dir.FullName, "NativeConv.sln"))) continue;
            Directory.CreateDirectory(Path.Combine(dir.FullName, "artifacts"));
            lock (Counts)
                File.WriteAllLines(Path.Combine(dir.FullName, "artifacts", "int8-conformance.txt"), Counts.OrderBy(p => p.Key).Select(p =>
                    $"{p.Key}: {p.Value.Cases} cases, {p.Value.Exact + p.Value.OffByOne} outputs: {p.Value.Exact} equal to the reference, " +
                    $"{p.Value.OffByOne} one step off ({100.0 * p.Value.OffByOne / Math.Max(1, p.Value.Exact + p.Value.OffByOne):0.000}%)"));
            return;
        }
    }
}
