using Xunit;
using Xunit.Abstractions;

namespace NativeConv.Tests;

/// <summary>
/// Networks in bfloat16 on oneDNN, which keeps values passed from convolution to convolution in bfloat16.
/// Block by block, each output is within the bound derived for bfloat16 products
/// (<see cref="NetworkEvaluation.BFloat16Products"/>), and somewhere beyond float32's own bound (so bfloat16
/// really ran). The whole network, which stores block boundaries in bfloat16 where the chained blocks
/// pass float32 and round it at the next read, must give exactly the chained blocks' result: storing a
/// value rounded changes nothing the next convolution computes. Where the CPU lacks AVX512_BF16 and AMX,
/// the network is refused with what is missing named.
/// </summary>
public class BFloat16NetworkTests(ITestOutputHelper log)
{
    [SkippableTheory]
    [MemberData(nameof(NetworkCases.InBothLayouts), MemberType = typeof(NetworkCases))]
    public void Blocks_are_within_the_bfloat16_bound_and_the_network_keeping_bfloat16_gives_exactly_the_chained_blocks(string name, TensorLayout layout)
    {
        ConvBackend backend = TestBackends.GetOrSkip(OneDnnBackend.BackendName);
        var (blocks, channels, size) = NetworkCases.Get(name);
        if (!OneDnnBackend.SupportsBFloat16)
        {
            var e = Assert.Throws<NotSupportedException>(() => new ConvNetwork(blocks, ConvBackends.Of(backend), new NetworkOptions { Layout = layout, Precision = ConvPrecision.BFloat16 }));
            Assert.Contains("AVX512_BF16", e.Message);
            log.WriteLine(e.Message);
            return;
        }
        const int Batch = 2;
        var input = new TensorShape(Batch, channels, size, size);
        float[] x = NetworkCases.Rand(new Random(size), input.Length, 1);

        float[] current = x;
        TensorShape shape = input;
        double worst = 0;
        int beyondFloat32 = 0, outputs = 0;
        foreach (NetworkBlock block in blocks)
        {
            using var single = new ConvNetwork([block], ConvBackends.Of(backend), new NetworkOptions { Layout = layout, Precision = ConvPrecision.BFloat16 });
            TensorShape next = single.OutputShape(shape);
            var y = new float[next.Length];
            single.Forward(current, y, shape.Batch, shape.Height, shape.Width);
            ReferenceTensor start = ReferenceTensor.Exact(current, shape, layout);
            ReferenceTensor expected = NetworkEvaluation.Run([block], start, foldedFromBatchNorm: false, NetworkEvaluation.BFloat16Products);
            ReferenceTensor float32 = NetworkEvaluation.Run([block], start, foldedFromBatchNorm: false);
            for (int i = 0; i < expected.Value.Length; i++)
            {
                double actual = y[expected.IndexIn(layout, i)], error = Math.Abs(actual - expected.Value[i]);
                Assert.True(error <= expected.Bound[i],
                    $"{name}, block '{block.Name}' in bf16 {layout}: output {i}: {actual} vs {expected.Value[i]}, |error| {error:e3} > bound {expected.Bound[i]:e3}");
                if (expected.Bound[i] > 0) worst = Math.Max(worst, error / expected.Bound[i]);
                if (error > float32.Bound[i]) beyondFloat32++;
            }
            outputs += expected.Value.Length;
            current = y;
            shape = next;
        }
        Assert.True(beyondFloat32 > 0, "no output beyond float32's own bound: bfloat16 did not run");

        using var network = new ConvNetwork(blocks, ConvBackends.Of(backend), new NetworkOptions { Layout = layout, Precision = ConvPrecision.BFloat16 });
        var whole = new float[network.OutputShape(input).Length];
        network.Forward(x, whole, Batch, size, size);
        string[] described = network.Describe().ToArray();
        Assert.Contains(described, line => line.Contains("(bf16 input", StringComparison.Ordinal));
        Assert.Equal(current, whole);
        log.WriteLine($"{name} bf16 {layout}: largest |error|/bound per block {worst:e3}; {beyondFloat32} of {outputs} block outputs beyond float32's bound; "
            + $"{described.Count(l => l.Contains("(bf16 ", StringComparison.Ordinal))} of {network.OperationCount} operations read or write bf16");
        foreach (string line in described) log.WriteLine("  " + line);
    }
}
