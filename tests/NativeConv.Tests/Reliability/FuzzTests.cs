using Xunit;
using Xunit.Abstractions;

namespace NativeConv.Tests;

/// <summary>
/// Seeded fuzzing of specs, shapes and buffers, valid and invalid: an invalid one must throw an
/// ArgumentException (or a subclass) before any native call; a valid one must match the reference
/// within <see cref="ErrorBound"/>. CI runs 1,000 cases per native backend;
/// NATIVECONV_FUZZ_CASES=10000 (build/fuzz.sh) runs more.
/// </summary>
public class FuzzTests(ITestOutputHelper log)
{
    public static int Cases => int.TryParse(Environment.GetEnvironmentVariable("NATIVECONV_FUZZ_CASES"), out int c) ? c : 1000;

    [SkippableTheory]
    [InlineData("onednn")]
    [InlineData("xnnpack")]
    public void Random_specs_and_shapes_are_rejected_or_match_the_reference(string backendName)
    {
        IConvBackend backend = TestBackends.GetOrSkip(backendName);
        var reference = new ReferenceBackend();
        var r = new Random(977);
        int valid = 0, invalid = 0;
        var failures = new List<string>();
        for (int i = 0; i < Cases; i++)
        {
            // Mostly plausible values, sometimes zero, negative or oversized ones.
            int Pick(int max) => r.Next(40) switch { 0 => 0, 1 => -r.Next(1, 4), _ => r.Next(1, max + 1) };
            int Off() => r.Next(10) == 0 ? (r.Next(2) == 0 ? -1 : 1) : 0;
            int cin = Pick(12), groupsChoice = r.Next(3), k = Pick(5), stride = Pick(2), dilation = Pick(2);
            int n = Pick(2), h = Pick(9), w = Pick(9);
            string text = $"case {i}: cin={cin} k={k} s={stride} d={dilation} n={n} h={h} w={w}";
            Conv2dLayer? layer = null;
            try
            {
                int groups = groupsChoice == 0 ? 1 : groupsChoice == 1 ? cin : Math.Max(1, cin / 2);
                int cout = groupsChoice == 1 ? cin * r.Next(1, 3) : Pick(12);
                Padding2D padding = r.Next(4) switch
                {
                    0 => Padding2D.Same,
                    1 => Padding2D.Valid,
                    2 => Padding2D.Symmetric(r.Next(10) == 0 ? -1 : r.Next(3)),
                    _ => Padding2D.Explicit(r.Next(3), r.Next(3), r.Next(3), r.Next(3)),
                };
                var spec = new Conv2dSpec(cin, cout, k, stride, padding, dilation, groups, bias: r.Next(2) == 0,
                    r.Next(3) == 0 ? Activation.HardSwish : Activation.ReLU6);
                text += $" {spec}";
                var x = Enumerable.Range(0, Math.Max(0, n * cin * h * w + Off())).Select(_ => (float)(r.NextDouble() * 2 - 1)).ToArray();
                var weights = Enumerable.Range(0, spec.WeightCount).Select(_ => (float)(r.NextDouble() - 0.5)).ToArray();
                var bias = Enumerable.Range(0, spec.BiasCount).Select(_ => (float)(r.NextDouble() - 0.5)).ToArray();
                var layout = r.Next(2) == 0 ? TensorLayout.Nchw : TensorLayout.Nhwc;
                layer = new Conv2dLayer(spec, weights, bias, backend, layout);
                ConvGeometry g = spec.Geometry(n, h, w);
                var y = new float[Math.Max(0, g.OutputLength + Off())];
                layer.Forward(x, y, n, h, w);

                valid++;
                var expected = new float[y.Length];
                using (var referenceLayer = new Conv2dLayer(spec, weights, bias, reference, layout))
                    referenceLayer.Forward(x, expected, n, h, w);
                var (pre, abs) = ExpectedConvolution.Compute(spec, layout, g, x, weights, bias);
                for (int o = 0; o < y.Length; o++)
                    if (!(Math.Abs((double)y[o] - expected[o]) <= ErrorBound.For(spec, pre[o], abs[o], integerData: false)))
                    {
                        failures.Add($"{text}: output {o} = {y[o]}, reference {expected[o]}");
                        break;
                    }
            }
            catch (ArgumentException)
            {
                invalid++;
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
        log.WriteLine($"{backendName}: {Cases} cases, {valid} valid (matched the reference), {invalid} rejected with ArgumentException");
        Assert.True(valid > Cases / 10 && invalid > Cases / 10, $"unbalanced draw: {valid} valid, {invalid} invalid");
        Assert.Empty(failures.Take(10));
    }
}
