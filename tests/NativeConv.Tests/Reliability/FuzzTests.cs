using Xunit;
using Xunit.Abstractions;

namespace NativeConv.Tests;

/// <summary>
/// Seeded fuzzing of specs, shapes and buffers, valid and invalid. The generator decides validity itself,
/// from the rules written out in <see cref="IsValid"/> (not from the library's checks): a valid draw must
/// run and match the reference within <see cref="ErrorBound"/>; an invalid one must throw an
/// ArgumentException (or a subclass) before any native call. A valid draw that is rejected fails.
/// CI runs 1,000 draws per backend; NATIVECONV_FUZZ_CASES=10000 (build/fuzz.sh) runs more.
/// </summary>
public class FuzzTests(ITestOutputHelper log)
{
    public static int Cases => int.TryParse(Environment.GetEnvironmentVariable("NATIVECONV_FUZZ_CASES"), out int c) ? c : 1000;

    public static TheoryData<string> Backends() => new(TestBackends.UnderTest);

    /// <summary>One draw: raw numbers, some of them out of range on purpose.</summary>
    private sealed record Draw(int InChannels, int OutChannels, int Groups, int Kernel, int Stride, int Dilation,
        int PaddingKind, int[] Pads, int Batch, int Height, int Width, int InputOff, int OutputOff, bool Bias, bool HardSwish, TensorLayout Layout)
    {
        public override string ToString() =>
            $"cin={InChannels} cout={OutChannels} g={Groups} k={Kernel} s={Stride} d={Dilation} pad={PaddingKind}:[{string.Join(",", Pads)}] " +
            $"n={Batch} h={Height} w={Width} off=({InputOff},{OutputOff}) {Layout}";
    }

    private static Draw Next(Random r)
    {
        // Mostly plausible values, sometimes zero, negative or a buffer one element off.
        int Pick(int max) => r.Next(40) switch { 0 => 0, 1 => -r.Next(1, 4), _ => r.Next(1, max + 1) };
        int Off() => r.Next(10) == 0 ? (r.Next(2) == 0 ? -1 : 1) : 0;
        int cin = Pick(12), groupsChoice = r.Next(3), k = Pick(5), stride = Pick(2), dilation = Pick(2);
        int groups = groupsChoice == 0 ? 1 : groupsChoice == 1 ? cin : Math.Max(1, cin / 2);
        int cout = groupsChoice == 1 ? cin * r.Next(1, 3) : Pick(12);
        int paddingKind = r.Next(4); // Same, Valid, symmetric, explicit
        int[] pads = paddingKind switch
        {
            2 => [r.Next(10) == 0 ? -1 : r.Next(3)],
            3 => [r.Next(3), r.Next(3), r.Next(3), r.Next(3)],
            _ => [],
        };
        return new Draw(cin, cout, groups, k, stride, dilation, paddingKind, pads, Pick(2), Pick(9), Pick(9), Off(), Off(),
            r.Next(2) == 0, r.Next(3) == 0, r.Next(2) == 0 ? TensorLayout.Nchw : TensorLayout.Nhwc);
    }

    /// <summary>The rules, written out independently of the library.</summary>
    private static bool IsValid(Draw d)
    {
        if (d.InChannels < 1 || d.OutChannels < 1 || d.Groups < 1 || d.Kernel < 1 || d.Stride < 1 || d.Dilation < 1) return false;
        if (d.InChannels % d.Groups != 0 || d.OutChannels % d.Groups != 0) return false;
        if (d.Batch < 1 || d.Height < 1 || d.Width < 1 || d.InputOff != 0 || d.OutputOff != 0) return false;
        int effective = (d.Kernel - 1) * d.Dilation + 1;
        if (d.Pads.Any(p => p < 0 || p >= effective)) return false; // explicit padding: 0 ≤ p < effective kernel
        (int top, int left, int bottom, int right) = d.Pads switch { [var p] => (p, p, p, p), [var t, var l, var b, var r] => (t, l, b, r), _ => (0, 0, 0, 0) };
        if (d.PaddingKind == 0) return true; // Same pads to ceil(size / stride) outputs: always at least one
        return d.Height + top + bottom >= effective && d.Width + left + right >= effective;
    }

    private static Padding2D Padding(Draw d) => d.PaddingKind switch
    {
        0 => Padding2D.Same,
        1 => Padding2D.Valid,
        2 => Padding2D.Symmetric(d.Pads[0]),
        _ => Padding2D.Explicit(d.Pads[0], d.Pads[1], d.Pads[2], d.Pads[3]),
    };

    [SkippableTheory]
    [MemberData(nameof(Backends))]
    public void Valid_draws_match_the_reference_and_invalid_ones_are_rejected(string backendName)
    {
        ConvBackend backend = TestBackends.GetOrSkip(backendName);
        var reference = new ReferenceBackend();
        var r = new Random(977);
        int valid = 0, invalid = 0;
        var failures = new List<string>();
        for (int i = 0; i < Cases; i++)
        {
            Draw d = Next(r);
            bool expectValid = IsValid(d);
            string text = $"draw {i} ({(expectValid ? "valid" : "invalid")}): {d}";
            Conv2dLayer? layer = null;
            try
            {
                var spec = new Conv2dSpec(d.InChannels, d.OutChannels, d.Kernel, d.Stride, Padding(d), d.Dilation, d.Groups, d.Bias,
                    d.HardSwish ? Activation.HardSwish : Activation.ReLU6);
                float[] x = Enumerable.Range(0, Math.Max(0, d.Batch * d.InChannels * d.Height * d.Width + d.InputOff)).Select(_ => (float)(r.NextDouble() * 2 - 1)).ToArray();
                float[] weights = Enumerable.Range(0, spec.WeightCount).Select(_ => (float)(r.NextDouble() - 0.5)).ToArray();
                float[] bias = Enumerable.Range(0, spec.BiasCount).Select(_ => (float)(r.NextDouble() - 0.5)).ToArray();
                layer = new Conv2dLayer(spec, weights, bias, backend, d.Layout);
                ConvGeometry g = spec.Geometry(d.Batch, d.Height, d.Width);
                var y = new float[Math.Max(0, g.OutputLength + d.OutputOff)];
                layer.Forward(x, y, d.Batch, d.Height, d.Width);
                if (!expectValid)
                {
                    failures.Add($"{text}: accepted");
                    continue;
                }
                valid++;
                var expected = new float[y.Length];
                using (var referenceLayer = new Conv2dLayer(spec, weights, bias, reference, d.Layout))
                    referenceLayer.Forward(x, expected, d.Batch, d.Height, d.Width);
                var (pre, abs) = ExpectedConvolution.Compute(spec, d.Layout, g, x, weights, bias);
                for (int o = 0; o < y.Length; o++)
                    if (!(Math.Abs((double)y[o] - expected[o]) <= ErrorBound.For(spec, pre[o], abs[o], integerData: false)))
                    {
                        failures.Add($"{text}: output {o} = {y[o]}, reference {expected[o]}");
                        break;
                    }
            }
            catch (ArgumentException e)
            {
                if (expectValid) failures.Add($"{text}: rejected: {e.Message}");
                else invalid++;
            }
            catch (Exception e)
            {
                failures.Add($"{text}: {e.GetType().Name}: {e.Message}");
            }
            finally
            {
                layer?.Dispose();
            }
        }
        log.WriteLine($"{backendName}: {Cases} draws, {valid} valid (matched the reference), {invalid} invalid (rejected with ArgumentException), {failures.Count} failures");
        foreach (string f in failures.Take(10)) log.WriteLine(f);
        Assert.True(valid > Cases / 10 && invalid > Cases / 10, $"unbalanced draw: {valid} valid, {invalid} invalid");
        Assert.Empty(failures.Take(10));
    }
}
