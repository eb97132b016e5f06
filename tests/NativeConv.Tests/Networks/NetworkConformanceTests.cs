using Xunit;
using Xunit.Abstractions;

namespace NativeConv.Tests;

/// <summary>
/// Blocks and whole networks on every backend and layout against <see cref="NetworkEvaluation"/> (the
/// same folded weights evaluated in double from the public block definitions). Block by block: each
/// block, given the float input the previous block produced, must be within its derived bound (a
/// worst-case bound chained through fifty layers would grow by Σ|w| per layer and say nothing, so the
/// guarantee is made where it is tight: per block). Then the whole network, run at once with its planned
/// buffers and its layout kept inside, must give exactly the block-by-block result: the same kernels in
/// the same order, so any difference is a planning or layout error.
/// </summary>
public class NetworkConformanceTests(ITestOutputHelper log)
{
    public static TheoryData<string, string, TensorLayout> Cases()
    {
        var data = new TheoryData<string, string, TensorLayout>();
        foreach (string name in NetworkCases.Names)
            foreach (string backend in TestBackends.UnderTest)
                foreach (TensorLayout layout in Enum.GetValues<TensorLayout>())
                    data.Add(name, backend, layout);
        return data;
    }

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void Each_block_is_within_its_bound_and_the_network_gives_exactly_the_chained_blocks(string name, string backendName, TensorLayout layout) =>
        CheckBlocksAndWhole(name, backendName, layout, whole: false);

    /// <summary>
    /// The same checks for a network handed to XNNPACK whole (its subgraph runtime, <see cref="NetworkOptions.WholeRuntime"/>): each block,
    /// as a runtime of its own, within its bound, and the whole network as one runtime exactly the chained blocks' runtimes (every node
    /// computes what it would alone; XNNPACK's memory planning and node fusion must not change a value).
    /// </summary>
    [SkippableTheory]
    [MemberData(nameof(NetworkCases.InBothLayouts), MemberType = typeof(NetworkCases))]
    public void On_xnnpack_whole_each_block_is_within_its_bound_and_the_network_gives_exactly_the_chained_blocks(string name, TensorLayout layout) =>
        CheckBlocksAndWhole(name, XnnpackBackend.BackendName, layout, whole: true);

    [SkippableFact]
    public void A_backend_without_a_whole_form_refuses_it_by_name()
    {
        ConvBackend backend = TestBackends.GetOrSkip(OneDnnBackend.BackendName);
        var (blocks, _, _) = NetworkCases.Get(NetworkCases.Names[0]);
        var e = Assert.Throws<NotSupportedException>(() => new ConvNetwork(blocks, ConvBackends.Of(backend), new NetworkOptions { WholeRuntime = true }));
        Assert.Contains("'onednn' cannot run a network whole", e.Message);
    }

    private void CheckBlocksAndWhole(string name, string backendName, TensorLayout layout, bool whole)
    {
        ConvBackend backend = TestBackends.GetOrSkip(backendName);
        var (blocks, channels, size) = NetworkCases.Get(name);
        const int Batch = 2;
        var input = new TensorShape(Batch, channels, size, size);
        float[] x = NetworkCases.Rand(new Random(size), input.Length, 1);

        float[] current = x;
        TensorShape shape = input;
        double worst = 0;
        foreach (NetworkBlock block in blocks)
        {
            using var single = new ConvNetwork([block], ConvBackends.Of(backend), new NetworkOptions { Layout = layout, WholeRuntime = whole });
            TensorShape next = single.OutputShape(shape);
            var y = new float[next.Length];
            single.Forward(current, y, shape.Batch, shape.Height, shape.Width);
            ReferenceTensor expected = NetworkEvaluation.Run([block], ReferenceTensor.Exact(current, shape, layout), foldedFromBatchNorm: false);
            Assert.Equal(expected.Shape, next);
            for (int i = 0; i < expected.Value.Length; i++)
            {
                double actual = y[expected.IndexIn(layout, i)], error = Math.Abs(actual - expected.Value[i]);
                Assert.True(error <= expected.Bound[i],
                    $"{name}, block '{block.Name}' on {backendName} {layout}: output {i}: {actual} vs {expected.Value[i]}, |error| {error:e3} > bound {expected.Bound[i]:e3}");
                if (expected.Bound[i] > 0) worst = Math.Max(worst, error / expected.Bound[i]);
            }
            current = y;
            shape = next;
        }

        using var network = new ConvNetwork(blocks, ConvBackends.Of(backend), new NetworkOptions { Layout = layout, WholeRuntime = whole });
        var all = new float[network.OutputShape(input).Length];
        network.Forward(x, all, Batch, size, size);
        Assert.Equal(current, all);
        Assert.Contains(all, v => v != 0);
        log.WriteLine($"{name} on {backendName} {layout}{(whole ? " whole" : "")}: {blocks.Count} blocks, {network.OperationCount} operations, output {shape.ToString(layout)}, largest |error|/bound per block {worst:e3}");
        foreach (string line in network.Describe()) log.WriteLine("  " + line);
    }
}
