using Xunit;
using Xunit.Abstractions;

namespace NativeConv.Tests;

/// <summary>
/// The depthwise-separable block, BatchNorms folded, against the unfolded sequence computed in
/// double: conv → BN → activation → conv → BN → activation.
/// Bound (per output, derived like <see cref="ErrorBound"/>): folding rounds each weight and bias to
/// float (relative u each), the depthwise accumulation adds 2·n₁·u·A₁, so the intermediate h has
/// e₁ ≤ (2·n₁ + 1)·u·A₁ + u·|h| with A₁ = Σ|w₁'·x| + |b₁'| (the activation is 1-Lipschitz); the
/// pointwise stage propagates Σ|w₂'|·e₁ and adds (2·n₂ + 1)·u·A₂ + u·|y| with A₂ = Σ|w₂'·h| + |b₂'|.
/// </summary>
public class SeparableTests(ITestOutputHelper output)
{
    public static TheoryData<string, TensorLayout> Backends()
    {
        var data = new TheoryData<string, TensorLayout>();
        foreach (string b in TestBackends.Names)
            foreach (TensorLayout layout in Enum.GetValues<TensorLayout>())
                data.Add(b, layout);
        return data;
    }

    [SkippableTheory]
    [MemberData(nameof(Backends))]
    public void Folded_block_matches_the_unfolded_sequence(string backendName, TensorLayout layout)
    {
        ConvBackend backend = TestBackends.GetOrSkip(backendName);
        const int Cin = 24, Cout = 40, H = 17, W = 13, N = 2;
        var r = new Random(7);
        float[] Rand(int n, double scale, double offset = 0) => Enumerable.Range(0, n).Select(_ => (float)(offset + (r.NextDouble() * 2 - 1) * scale)).ToArray();
        float[] dwW = Rand(Cin * 9, 1), dwB = Rand(Cin, 0.5), pwW = Rand(Cout * Cin, 0.5), pwB = Rand(Cout, 0.5);
        var bn1 = new BatchNorm2d(Rand(Cin, 0.5, 1), Rand(Cin, 0.3), Rand(Cin, 0.3), Rand(Cin, 0.4, 0.6));
        var bn2 = new BatchNorm2d(Rand(Cout, 0.5, 1), Rand(Cout, 0.3), Rand(Cout, 0.3), Rand(Cout, 0.4, 0.6));
        var options = new DepthwiseSeparableOptions
        {
            Stride = 2, Padding = 1, DepthwiseBatchNorm = bn1, PointwiseBatchNorm = bn2,
            DepthwiseActivation = Activation.ReLU6, PointwiseActivation = Activation.ReLU, Layout = layout,
        };
        float[] x = Rand(N * Cin * H * W, 2);
        using var block = new DepthwiseSeparableConv2d(Cin, Cout, 3, dwW, dwB, pwW, pwB, backend, options);
        ConvGeometry g = block.Geometry(N, H, W);
        var y = new float[g.OutputLength];
        block.Forward(x, y, N, H, W);

        // The unfolded sequence, in double, with the terms of the bound.
        var dw = block.Depthwise.Spec;
        ConvGeometry g1 = dw.Geometry(N, H, W);
        var (pre1, _) = ExpectedConvolution.Compute(dw with { }, layout, g1, x, dwW, dwB);
        var folded1 = bn1.Fold(dw, dwW, dwB);
        var (_, abs1) = ExpectedConvolution.Compute(dw, layout, g1, x, folded1.Weights, folded1.Bias);
        var h = new double[g1.OutputLength];
        var e1 = new double[g1.OutputLength];
        int n1 = 9 + 1;
        for (int i = 0; i < h.Length; i++)
        {
            int c = Channel(layout, i, Cin, g1.OutHeight * g1.OutWidth);
            h[i] = Activation.ReLU6.Apply(bn1.Apply(c, pre1[i]));
            e1[i] = (2 * n1 + 1) * ErrorBound.U * abs1[i] + ErrorBound.U * Math.Abs(h[i]);
        }
        var folded2 = bn2.Fold(block.Pointwise.Spec, pwW, pwB);
        double worst = 0;
        int pixels = g.OutHeight * g.OutWidth;
        for (int n = 0; n < N; n++)
        for (int p = 0; p < pixels; p++)
        for (int o = 0; o < Cout; o++)
        {
            double sum = pwB[o], abs2 = Math.Abs(folded2.Bias[o]), propagated = 0;
            for (int c = 0; c < Cin; c++)
            {
                int hi = At(layout, n, c, p, Cin, pixels);
                sum += pwW[o * Cin + c] * h[hi];
                abs2 += Math.Abs(folded2.Weights[o * Cin + c] * h[hi]);
                propagated += Math.Abs(folded2.Weights[o * Cin + c]) * e1[hi];
            }
            double expected = Activation.ReLU.Apply(bn2.Apply(o, sum));
            double bound = propagated + (2 * (Cin + 1) + 1) * ErrorBound.U * abs2 + ErrorBound.U * Math.Abs(expected);
            double error = Math.Abs(y[At(layout, n, o, p, Cout, pixels)] - expected);
            Assert.True(error <= bound, $"output (n={n}, pixel={p}, c={o}): {y[At(layout, n, o, p, Cout, pixels)]} vs {expected}, |error| {error:e3} > bound {bound:e3}");
            worst = Math.Max(worst, error / bound);
        }
        output.WriteLine($"{backendName} {layout}: largest |error|/bound {worst:e3}; {string.Join("; ", block.Describe())}");
    }

    private static int Channel(TensorLayout layout, int index, int channels, int pixels) =>
        layout == TensorLayout.Nchw ? index / pixels % channels : index % channels;

    private static int At(TensorLayout layout, int n, int c, int pixel, int channels, int pixels) =>
        layout == TensorLayout.Nchw ? (n * channels + c) * pixels + pixel : (n * pixels + pixel) * channels + c;
}
