using Xunit;
using Xunit.Abstractions;

namespace NativeConv.Tests;

/// <summary>
/// bfloat16 on oneDNN: float32 tensors, bfloat16 products. Where the CPU has AVX512_BF16 (or AMX) the
/// results stay within the bound derived for bfloat16 operands — each of w and x rounded to 8 significant
/// bits (relative 2⁻⁸ each, so a product is off by at most (2·2⁻⁸ + 2⁻¹⁶)·|w·x|), then float32
/// accumulation (2(n+1)u·Σ|w·x|) — and they do differ from float32 beyond float32's own bound somewhere,
/// so bfloat16 really ran. Where it lacks them, creating the layer names what is missing.
/// </summary>
public class BFloat16Tests(ITestOutputHelper log)
{
    [SkippableTheory]
    [InlineData(true, TensorLayout.Nhwc)]
    [InlineData(false, TensorLayout.Nchw)]
    public void BFloat16_runs_within_its_bound_or_says_what_the_cpu_lacks(bool pointwise, TensorLayout layout)
    {
        ConvBackend backend = TestBackends.GetOrSkip(OneDnnBackend.BackendName);
        Conv2dSpec spec = pointwise ? Conv2dSpec.Pointwise(96, 64, activation: Activation.ReLU6) : Conv2dSpec.Depthwise(64, 3, padding: 1, activation: Activation.ReLU6);
        var r = new Random(11);
        float[] Rand(int n) => Enumerable.Range(0, n).Select(_ => (float)(r.NextDouble() * 2 - 1)).ToArray();
        float[] w = Rand(spec.WeightCount), b = Rand(spec.BiasCount);
        ConvGeometry g = spec.Geometry(2, 14, 14);
        float[] x = Rand(g.InputLength);
        if (!OneDnnBackend.SupportsBFloat16)
        {
            var e = Assert.Throws<NotSupportedException>(() => new Conv2dLayer(spec, w, b, backend, layout, ConvPrecision.BFloat16));
            Assert.Contains("AVX512_BF16", e.Message);
            log.WriteLine(e.Message);
            return;
        }
        using var layer = new Conv2dLayer(spec, w, b, backend, layout, ConvPrecision.BFloat16);
        var y = new float[g.OutputLength];
        layer.Forward(x, y, 2, 14, 14);
        log.WriteLine($"bf16: {layer.ImplementationName}");
        var (pre, abs) = ExpectedConvolution.Compute(spec, layout, g, x, w, b);
        int n = spec.WeightsPerOutputChannel + 1, beyondFloat32 = 0;
        for (int i = 0; i < y.Length; i++)
        {
            double exact = spec.Activation.Apply(pre[i]);
            double bound = (2.0 / 256 + 1.0 / 65536 + 2.0 * n * ErrorBound.U) * abs[i] + ErrorBound.U * Math.Abs(exact);
            double error = Math.Abs(y[i] - exact);
            Assert.True(error <= bound, $"output {i}: {y[i]} vs {exact}: |error| {error:e3} > bfloat16 bound {bound:e3}");
            if (error > ErrorBound.For(spec, pre[i], abs[i], integerData: false)) beyondFloat32++;
        }
        log.WriteLine($"{beyondFloat32} of {y.Length} outputs beyond float32's bound");
        Assert.True(beyondFloat32 > 0, "no output differs from float32 beyond float32's own bound: bfloat16 did not run");
    }
}
