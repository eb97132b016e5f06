using Xunit;

namespace NativeConv.Tests;

/// <summary>
/// oneDNN's first-layer kernel reads an NCHW image straight into a 16-channel NHWC output, so an NCHW network whose
/// first convolution has 16 outputs (MobileNet v3) needs no input transpose. These tests pin where it is used, that the
/// caller's input is left as it was, and that the stem's output is the reference's within the derived bound;
/// <see cref="NetworkConformanceTests"/> checks every block and whole network, in both layouts, the same way.
/// </summary>
public class NchwStemTests
{
    private const string ReadsNchw = "reading the NCHW input itself";

    [SkippableTheory]
    [InlineData("v3-small")]
    [InlineData("v3-large")]
    public void An_nchw_v3_on_onednn_reads_its_input_in_the_stem_within_the_derived_bound(string name)
    {
        ConvBackend backend = TestBackends.GetOrSkip(OneDnnBackend.BackendName);
        Skip.IfNot(OneDnnBackend.CpuIsa.StartsWith("avx512", StringComparison.Ordinal),
            $"oneDNN's first-layer kernel for 16 blocked channels is AVX-512's; this CPU's ISA is {OneDnnBackend.CpuIsa}");
        var (blocks, channels, size) = NetworkCases.Get(name);
        var input = new TensorShape(2, channels, size, size);
        float[] x = NetworkCases.Rand(new Random(3), input.Length, 1);
        float[] before = (float[])x.Clone();

        using var network = new ConvNetwork(blocks, ConvBackends.Of(backend), new NetworkOptions { Layout = TensorLayout.Nchw });
        network.Forward(x, new float[network.OutputShape(input).Length], input.Batch, size, size);
        Assert.Contains(ReadsNchw, network.Describe()[0]);
        Assert.Equal(before, x); // read in place, never written

        // The stem alone: its NHWC output (written as nChw16c) read back as NCHW must be the reference's within the bound
        // NetworkEvaluation derives per output (accumulation length x eps x sum |w x|, as every block test here).
        using var stem = new ConvNetwork([blocks[0]], ConvBackends.Of(backend), new NetworkOptions { Layout = TensorLayout.Nchw });
        var y = new float[stem.OutputShape(input).Length];
        stem.Forward(x, y, input.Batch, size, size);
        Assert.Contains(ReadsNchw, stem.Describe()[0]);
        ReferenceTensor expected = NetworkEvaluation.Run([blocks[0]], ReferenceTensor.Exact(x, input, TensorLayout.Nchw), foldedFromBatchNorm: false);
        for (int i = 0; i < expected.Value.Length; i++)
        {
            double actual = y[expected.IndexIn(TensorLayout.Nchw, i)], error = Math.Abs(actual - expected.Value[i]);
            Assert.True(error <= expected.Bound[i], $"{name} stem output {i}: {actual} vs {expected.Value[i]}, |error| {error:e3} > bound {expected.Bound[i]:e3}");
        }
        Assert.Contains(y, v => v != 0);
    }

    [SkippableFact]
    public void A_first_convolution_with_other_than_16_outputs_keeps_the_transpose()
    {
        ConvBackend backend = TestBackends.GetOrSkip(OneDnnBackend.BackendName);
        var (blocks, channels, size) = NetworkCases.Get("v2"); // a 32-channel stem: nChw16c is not NHWC there
        using var network = new ConvNetwork(blocks, ConvBackends.Of(backend), new NetworkOptions { Layout = TensorLayout.Nchw });
        var input = new TensorShape(1, channels, size, size);
        network.Forward(new float[input.Length], new float[network.OutputShape(input).Length], 1, size, size);
        Assert.DoesNotContain(ReadsNchw, network.Describe()[0]);
    }
}
