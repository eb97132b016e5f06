using NativeConv.Testing;
using Xunit;
using Xunit.Abstractions;

namespace NativeConv.Tests;

/// <summary>
/// Dynamic int8 (XNNPACK qd8_f32_qc8w) on pointwise layers: float32 in and out, against the exact
/// double-precision convolution of the float weights, within the bound its two quantizations allow.
///
/// Weights: symmetric per output channel, step s_w = max|w| / 127, |w − ŵ| ≤ s_w / 2.
/// Input: each pixel (row) quantized by XNNPACK with step s_x = (max(x, 0) − min(x, 0)) / 255 and a rounded
/// zero point; rounding to the grid errs by half a step, the zero point's rounding can push a row's end past
/// the int8 range by another half step (then clamped), and x · (1/s_x) is itself a float product (≤ 255u steps):
/// |x − x̂| ≤ s_x (1 + 264u). So per output |Σwx − Σŵx̂| ≤ (s_w / 2) Σ|x| + s_x' (Σ|w| + K s_w / 2).
/// The int32 accumulation is exact; the conversion to float, two scalings and the bias add are four
/// float roundings: 4u (Σ|ŵx̂| + |b|), with Σ|ŵx̂| ≤ Σ|wx| + the quantization term. Activations: ReLU/ReLU6 are
/// 1-Lipschitz, HardSwish 1.5 (its slope on [−3, 3]), plus one rounding of its own result.
/// </summary>
public class DynamicInt8Tests(ITestOutputHelper log)
{
    [SkippableTheory]
    [InlineData(TensorLayout.Nhwc, ActivationKind.None, 2)]
    [InlineData(TensorLayout.Nhwc, ActivationKind.ReLU6, 1)]
    [InlineData(TensorLayout.Nchw, ActivationKind.ReLU, 2)]
    [InlineData(TensorLayout.Nchw, ActivationKind.HardSwish, 1)]
    public void Pointwise_results_stay_within_the_quantization_bound_and_differ_from_float32(TensorLayout layout, ActivationKind activation, int batch)
    {
        ConvBackend backend = TestBackends.GetOrSkip(XnnpackBackend.BackendName);
        var spec = Conv2dSpec.Pointwise(72, 40, activation: activation switch
        {
            ActivationKind.ReLU => Activation.ReLU,
            ActivationKind.ReLU6 => Activation.ReLU6,
            ActivationKind.HardSwish => Activation.HardSwish,
            _ => Activation.None,
        });
        var r = new Random(17);
        float[] Rand(int n, double scale) => Enumerable.Range(0, n).Select(_ => (float)((r.NextDouble() * 2 - 1) * scale)).ToArray();
        float[] w = Rand(spec.WeightCount, 0.3), b = Rand(spec.BiasCount, 0.5);
        ConvGeometry g = spec.Geometry(batch, 9, 11);
        float[] x = Rand(g.InputLength, 2.0);
        for (int i = 0; i < x.Length; i += 5) x[i] = Math.Abs(x[i]); // rows with skewed ranges, so zero points vary
        float[] xBefore = (float[])x.Clone(), y = new float[g.OutputLength];

        using (var layer = new Conv2dLayer(spec, w, b, backend, layout, ConvPrecision.DynamicInt8))
        {
            layer.Forward(x, y, batch, 9, 11);
            log.WriteLine(layer.ImplementationName);
            Assert.Contains("qd8", layer.ImplementationName);
        }
        Assert.Equal(xBefore, x);

        var (pre, abs) = ExpectedConvolution.Compute(spec, layout, g, x, w, b);
        int pixels = g.InHeight * g.InWidth, k = spec.InChannels, beyondFloat32 = 0;
        double worst = 0;
        for (int n = 0; n < batch; n++)
        for (int p = 0; p < pixels; p++)
        {
            double lo = 0, hi = 0, sumAbsX = 0;
            for (int c = 0; c < k; c++)
            {
                double v = x[Index(layout, n, c, p, k, pixels)];
                lo = Math.Min(lo, v);
                hi = Math.Max(hi, v);
                sumAbsX += Math.Abs(v);
            }
            double inputStep = (hi - lo) / 255 * (1 + 264 * ErrorBound.U);
            for (int oc = 0; oc < spec.OutChannels; oc++)
            {
                double sumAbsW = 0, largest = 0;
                for (int c = 0; c < k; c++)
                {
                    sumAbsW += Math.Abs(w[oc * k + c]);
                    largest = Math.Max(largest, Math.Abs(w[oc * k + c]));
                }
                double weightStep = largest / 127;
                double quantization = weightStep / 2 * sumAbsX + inputStep * (sumAbsW + k * weightStep / 2);
                double floatRounding = 4 * ErrorBound.U * (abs[Index(layout, n, oc, p, spec.OutChannels, pixels)] + quantization);
                double lipschitz = activation == ActivationKind.HardSwish ? 1.5 : 1;
                int o = Index(layout, n, oc, p, spec.OutChannels, pixels);
                double exact = spec.Activation.Apply(pre[o]);
                double bound = lipschitz * (quantization + floatRounding) + 2 * ErrorBound.U * Math.Abs(exact);
                double error = Math.Abs(y[o] - exact);
                Assert.True(error <= bound, $"batch {n} pixel {p} channel {oc}: {y[o]} vs {exact}: |error| {error:e3} > bound {bound:e3}");
                worst = Math.Max(worst, error / bound);
                if (error > ErrorBound.For(spec, pre[o], abs[o], integerData: false)) beyondFloat32++;
            }
        }
        log.WriteLine($"largest error / bound {worst:0.000}; {beyondFloat32} of {y.Length} outputs beyond float32's own bound");
        Assert.True(beyondFloat32 > 0, "no output differs from float32 beyond float32's bound: the int8 path did not run");
    }

    [SkippableFact]
    public void Layers_other_than_pointwise_and_backends_without_it_are_refused_with_a_reason()
    {
        ConvBackend xnnpack = TestBackends.GetOrSkip(XnnpackBackend.BackendName);
        var depthwise = Conv2dSpec.Depthwise(8, 3, padding: 1);
        var e = Assert.Throws<NotSupportedException>(() =>
            new Conv2dLayer(depthwise, new float[depthwise.WeightCount], new float[depthwise.BiasCount], xnnpack, TensorLayout.Nhwc, ConvPrecision.DynamicInt8));
        Assert.Contains("pointwise", e.Message);
        log.WriteLine(e.Message);

        var pointwise = Conv2dSpec.Pointwise(8, 16);
        ConvBackend reference = TestBackends.All.Get(ReferenceBackend.BackendName);
        e = Assert.Throws<NotSupportedException>(() =>
            new Conv2dLayer(pointwise, new float[pointwise.WeightCount], new float[pointwise.BiasCount], reference, TensorLayout.Nhwc, ConvPrecision.DynamicInt8));
        Assert.Contains(ReferenceBackend.BackendName, e.Message);

        var wrongLength = Assert.Throws<ArgumentException>(() =>
            new Conv2dLayer(pointwise, new float[pointwise.WeightCount - 1], new float[pointwise.BiasCount], xnnpack, TensorLayout.Nhwc, ConvPrecision.DynamicInt8));
        Assert.Equal("weights", wrongLength.ParamName);
    }

    [SkippableFact]
    public void A_network_in_dynamic_int8_runs_its_pointwise_layers_quantized_and_the_rest_in_float32()
    {
        ConvBackend backend = TestBackends.GetOrSkip(XnnpackBackend.BackendName);
        var r = new Random(5);
        float[] Rand(int n) => Enumerable.Range(0, n).Select(_ => (float)(r.NextDouble() * 2 - 1)).ToArray();
        var dwSpec = Conv2dSpec.Depthwise(16, 3, padding: 1, activation: Activation.ReLU6);
        var pwSpec = Conv2dSpec.Pointwise(16, 24, activation: Activation.ReLU6);
        float[] dwW = Rand(dwSpec.WeightCount), dwB = Rand(dwSpec.BiasCount), pwW = Rand(pwSpec.WeightCount), pwB = Rand(pwSpec.BiasCount);
        var block = new SeparableBlock("block", new ConvBlock("dw", dwSpec, dwW, dwB), new ConvBlock("pw", pwSpec, pwW, pwB));
        float[] x = Rand(2 * 16 * 10 * 10);

        var networkOutput = new float[2 * 24 * 10 * 10];
        using (var network = new ConvNetwork([block], ConvBackends.Of(backend), new NetworkOptions { Layout = TensorLayout.Nhwc, Precision = ConvPrecision.DynamicInt8 }))
            network.Forward(x, networkOutput, 2, 10, 10);

        // The same two XNNPACK operators called as layers: each output is computed by one thread from the
        // same data with the same packed weights, so the results are identical, not merely close.
        var middle = new float[2 * 16 * 10 * 10];
        var layerOutput = new float[networkOutput.Length];
        using (var dw = new Conv2dLayer(dwSpec, dwW, dwB, backend, TensorLayout.Nhwc))
            dw.Forward(x, middle, 2, 10, 10);
        using (var pw = new Conv2dLayer(pwSpec, pwW, pwB, backend, TensorLayout.Nhwc, ConvPrecision.DynamicInt8))
            pw.Forward(middle, layerOutput, 2, 10, 10);
        Assert.Equal(layerOutput, networkOutput);

        var floatOutput = new float[networkOutput.Length];
        using (var pw = new Conv2dLayer(pwSpec, pwW, pwB, backend, TensorLayout.Nhwc))
            pw.Forward(middle, floatOutput, 2, 10, 10);
        Assert.NotEqual(floatOutput, networkOutput);
    }

    private static int Index(TensorLayout layout, int n, int c, int pixel, int channels, int pixels) =>
        layout == TensorLayout.Nhwc ? (n * pixels + pixel) * channels + c : (n * channels + c) * pixels + pixel;
}
