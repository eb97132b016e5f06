using Xunit;
using Xunit.Abstractions;

namespace NativeConv.Tests;

/// <summary>
/// One image's rows shared between threads for a network's first operations (<see cref="BatchMode.RowsAcrossThreads"/>):
/// each band's convolutions make exactly the band's rows from the rows and padding it is given; only prefixes of row-wise
/// operations are cut; and a network run so, at every cut, on each library and on both alternating, stays within the
/// derived bound of the reference, twice in a row, with its input untouched. Auto measures the bands at batch 1, a plan
/// with bands loads, and one whose bands cannot run is refused with the reason.
/// </summary>
public class RowBandsTests(ITestOutputHelper log)
{
    private const int Size = 40;

    [Fact]
    public void A_bands_convolution_makes_exactly_its_rows_and_the_bands_cover_the_image()
    {
        foreach (int kernel in new[] { 1, 3, 5 })
            foreach (int stride in new[] { 1, 2 })
                foreach (Padding2D padding in new[] { Padding2D.Symmetric(kernel / 2), Padding2D.Same, Padding2D.Valid, Padding2D.Explicit(0, 0, kernel - 1, 0) })
                    foreach (int height in new[] { 5, 7, 16, 29 })
                    {
                        var spec = Conv2dSpec.Depthwise(8, kernel, stride: stride, padding: padding);
                        if (height + (padding.Mode == PaddingMode.Explicit ? padding.Top + padding.Bottom : kernel) < kernel) continue;
                        ConvGeometry full = spec.Geometry(1, height, 9);
                        for (int split = 1; split < full.OutHeight; split++)
                            foreach (var (first, end) in new[] { (0, split), (split, full.OutHeight) })
                            {
                                var (inFirst, inEnd, top, bottom) = RowBands.Input(full, spec, first, end);
                                string what = $"{spec} on {height} rows, band [{first}, {end})";
                                Assert.InRange(inFirst, 0, inEnd - 1);
                                Assert.InRange(inEnd, inFirst + 1, height);
                                Assert.InRange(top, 0, full.PadTop); // never more padding than the image's, and none inside it
                                Assert.InRange(bottom, 0, full.PadBottom);
                                if (inFirst > 0) Assert.Equal(0, top);
                                if (inEnd < height) Assert.Equal(0, bottom);
                                ConvGeometry band = RowBands.BandSpec(spec, full, top, bottom).Geometry(1, inEnd - inFirst, 9);
                                Assert.True(end - first == band.OutHeight, $"{what}: {band.OutHeight} rows");
                                Assert.Equal((full.OutWidth, full.PadLeft, full.PadRight), (band.OutWidth, band.PadLeft, band.PadRight));
                                // The band's first output row sees the same input rows as the image's row 'first' does.
                                Assert.Equal(first * stride - full.PadTop, inFirst - top);
                            }
                    }
    }

    [Fact]
    public void Only_prefixes_of_row_wise_operations_read_by_nothing_after_them_but_the_last_are_cuts()
    {
        var (v2, _, _) = NetworkCases.Get("v2");
        NetworkGraph graph = new ConvNetwork(v2, new FloatLoopBackend(), TensorLayout.Nhwc).Graph;
        TensorShape[] shapes = ShapePlan.ShapesFor(graph, new TensorShape(1, 3, 224, 224), TensorLayout.Nhwc, out ConvGeometry[] geometries);
        IReadOnlyList<int> all = RowBands.Cuts(graph, shapes, geometries, threads: 2, maxRecomputed: double.PositiveInfinity);
        // v2 at 224: a cut at each height its blocks end at (112, 56, 28, 14, 7), never inside the pool and classifier.
        Assert.Equal([112, 56, 28, 14, 7], all.Select(c => shapes[graph.Ops[c - 1].Output].Height));
        // The deeper the cut, the more rows both bands compute: from a few percent to most of the image twice.
        double[] recomputed = all.Select(c => RowBands.Recomputed(graph, shapes, geometries, c, 2)).ToArray();
        log.WriteLine("v2 cuts " + string.Join(", ", all.Zip(recomputed, (c, r) => $"{c} ops: {r:P1} recomputed")));
        Assert.Equal(recomputed.Order(), recomputed);
        Assert.InRange(recomputed[0], 0.001, RowBands.MaxRecomputed);
        Assert.True(recomputed[^1] > 0.5, $"the deepest cut recomputes {recomputed[^1]:P1}");
        IReadOnlyList<int> cuts = RowBands.Cuts(graph, shapes, geometries, threads: 2);
        // Those offered recompute little: at each height the longest such prefix (not always a block's end: inside a stage
        // of residual blocks every block's end is a cut).
        log.WriteLine("offered: " + string.Join(", ", cuts));
        Assert.All(cuts, c => Assert.True(RowBands.IsCut(graph, c) && RowBands.Recomputed(graph, shapes, geometries, c, 2) <= RowBands.MaxRecomputed, $"cut {c}"));
        Assert.Contains(all[0], cuts);
        Assert.Contains(all[1], cuts);
        Assert.DoesNotContain(all[^1], cuts);
        int pool = graph.Ops.ToList().FindIndex(op => op is GlobalAveragePoolOp);
        Assert.All(cuts, c => Assert.True(c <= pool));
        Assert.False(RowBands.IsCut(graph, pool + 1));
        // Inside a residual block the block's input is still read after the cut: not a cut.
        int add = graph.Ops.ToList().FindIndex(op => op is AddOp);
        Assert.False(RowBands.IsCut(graph, add - 1));
        Assert.True(RowBands.IsCut(graph, add + 1));

        // v3-small squeezes and excites in its first block: only the stem is before it.
        var (v3, _, _) = NetworkCases.Get("v3-small");
        NetworkGraph small = new ConvNetwork(v3, new FloatLoopBackend(), TensorLayout.Nhwc).Graph;
        int firstPool = small.Ops.ToList().FindIndex(op => op is GlobalAveragePoolOp);
        Assert.All(RowBands.Cuts(small, ShapePlan.ShapesFor(small, new TensorShape(1, 3, 224, 224), TensorLayout.Nhwc, out ConvGeometry[] smallGeometries), smallGeometries, 2,
                double.PositiveInfinity),
            c => Assert.True(c <= firstPool));
    }

    public static TheoryData<string, TensorLayout> Networks() => new()
    {
        { "v2", TensorLayout.Nchw }, { "v2", TensorLayout.Nhwc }, { "v1-body", TensorLayout.Nhwc }, { "v1", TensorLayout.Nchw },
        { "v3-large", TensorLayout.Nhwc }, { "inverted residual t6 s1 (residual)", TensorLayout.Nhwc },
    };

    [SkippableTheory]
    [MemberData(nameof(Networks))]
    public void Every_cut_on_each_library_and_on_both_stays_within_the_bound(string model, TensorLayout layout)
    {
        foreach (string name in TestBackends.Native) TestBackends.GetOrSkip(name);
        var (blocks, channels, size) = NetworkCases.Get(model);
        var shape = new TensorShape(1, channels, size, size);
        float[] x = NetworkCases.Rand(new Random(17), shape.Length, 1);
        BoundedTensor expected = NetworkEvaluation.Run(blocks, BoundedTensor.Exact(x, shape, layout), foldedFromBatchNorm: false);
        NetworkPlan measured = Measured(blocks, x, layout, size, expected.Value.Length);
        int convolutions = measured.Backends.Count;
        foreach (var (backends, fuse) in new[]
        {
            (Enumerable.Repeat(OneDnnBackend.BackendName, convolutions).ToArray(), true), // residual sums fused into the bands' convolutions
            (Enumerable.Repeat(OneDnnBackend.BackendName, convolutions).ToArray(), false),
            (Enumerable.Repeat(XnnpackBackend.BackendName, convolutions).ToArray(), false),
            (Enumerable.Range(0, convolutions).Select(i => i % 2 == 0 ? OneDnnBackend.BackendName : XnnpackBackend.BackendName).ToArray(), false),
        })
        {
            using var source = new ConvNetwork(blocks, new FloatLoopBackend(), layout);
            NetworkGraph graph = fuse ? source.Graph.FuseResidualSums(_ => true) : source.Graph;
            IReadOnlyList<int> cuts = RowBands.Cuts(graph, ShapePlan.ShapesFor(graph, shape, layout, out ConvGeometry[] geometries), geometries, TestBackends.Threads,
                double.PositiveInfinity);
            Assert.NotEmpty(cuts);
            foreach (int cut in cuts)
            {
                NetworkPlan pinned = measured with
                {
                    Chosen = "pinned", Backends = backends, FuseResidualSums = fuse, WholeNetwork = false,
                    Batching = BatchMode.RowsAcrossThreads, BandedOperations = cut, MeasuredMicroseconds = new Dictionary<string, double>(),
                };
                using var network = new ConvNetwork(blocks, TestBackends.All, layout, pinned, TestBackends.Native);
                var y = new float[expected.Value.Length];
                float[] before = (float[])x.Clone();
                string what = $"{model} {layout}, {string.Join(",", backends.Distinct())}{(fuse ? "+sum" : "")}, first {cut} of {graph.Ops.Count} operations in bands";
                for (int call = 0; call < 2; call++) // the second call runs on the bands' warm state
                {
                    Array.Fill(y, float.NaN);
                    network.Forward(x, y, 1, size, size);
                    Assert.Null(network.PlanRejection);
                    Assert.Same(pinned, network.PlanFor(1, size, size));
                    NetworkPlanTests.AssertWithinFirstOrderBound(y, expected, layout, $"{what}, call {call}");
                }
                Assert.Equal(before, x); // the input is read, never written
            }
            log.WriteLine($"{model} {layout} {string.Join(",", backends.Distinct())}{(fuse ? "+sum" : "")}: cuts {string.Join(", ", cuts)} within the bound");
        }
    }

    [SkippableFact]
    public void Auto_measures_the_bands_for_one_image_and_a_plan_with_bands_loads_and_gives_the_same_outputs()
    {
        foreach (string name in TestBackends.Native) TestBackends.GetOrSkip(name);
        var (blocks, channels, size) = NetworkCases.Get("v2");
        float[] x = NetworkCases.Rand(new Random(5), channels * size * size, 1);
        var y = new float[1000];
        NetworkPlan plan;
        using (var network = new ConvNetwork(blocks, TestBackends.All, TensorLayout.Nhwc, candidates: TestBackends.Native))
        {
            plan = network.ChoosePlan(x, y, 1, size, size);
        }
        log.WriteLine(plan.ToString());
        // The chosen candidate raced with bands, unless it runs the network whole (XNNPACK's subgraph runtime: nothing to band).
        bool racedWithBands(string k) => k.StartsWith(plan.Chosen + ", rows across threads for ", StringComparison.Ordinal);
        if (plan.WholeNetwork) Assert.DoesNotContain(plan.MeasuredMicroseconds.Keys, racedWithBands);
        else Assert.Contains(plan.MeasuredMicroseconds.Keys, racedWithBands);

        // oneDNN with its sums fused, its first cut in bands (the choice above is this machine's).
        NetworkPlan banded = plan with
        {
            Chosen = "onednn+sum", Backends = plan.Backends.Select(_ => OneDnnBackend.BackendName).ToList(), FuseResidualSums = true, WholeNetwork = false,
            Batching = BatchMode.RowsAcrossThreads, BandedOperations = FirstCut(blocks, fused: true, channels, size),
        };
        string path = Path.Combine(Directory.CreateTempSubdirectory("nativeconv-plan-").FullName, "plan.json");
        banded.Save(path);
        NetworkPlan loaded = NetworkPlan.Load(path);
        Assert.Equal(banded.ToJson(), loaded.ToJson());
        using var first = new ConvNetwork(blocks, TestBackends.All, TensorLayout.Nhwc, banded, TestBackends.Native);
        using var again = new ConvNetwork(blocks, TestBackends.All, TensorLayout.Nhwc, loaded, TestBackends.Native);
        var z1 = new float[y.Length];
        var z2 = new float[y.Length];
        first.Forward(x, z1, 1, size, size);
        again.Forward(x, z2, 1, size, size);
        Assert.Null(again.PlanRejection);
        Assert.Same(loaded, again.PlanFor(1, size, size)); // followed as loaded, not measured again
        Assert.Equal(z1, z2);
    }

    [SkippableFact]
    public void A_plan_whose_bands_cannot_run_is_refused_with_the_reason_and_the_network_measures()
    {
        foreach (string name in TestBackends.Native) TestBackends.GetOrSkip(name);
        var (blocks, channels, size) = NetworkCases.Get("v3-small");
        var shape = new TensorShape(1, channels, size, size);
        float[] x = NetworkCases.Rand(new Random(6), shape.Length, 1);
        BoundedTensor expected = NetworkEvaluation.Run(blocks, BoundedTensor.Exact(x, shape, TensorLayout.Nhwc), foldedFromBatchNorm: false);
        NetworkPlan measured = Measured(blocks, x, TensorLayout.Nhwc, size, expected.Value.Length);
        NetworkPlan onednn = measured with
        {
            Chosen = "onednn", Backends = measured.Backends.Select(_ => OneDnnBackend.BackendName).ToList(), FuseResidualSums = false, WholeNetwork = false,
        };
        using var source = new ConvNetwork(blocks, new FloatLoopBackend(), TensorLayout.Nhwc);
        int throughFirstPool = source.Graph.Ops.ToList().FindIndex(op => op is GlobalAveragePoolOp) + 1; // squeeze-and-excitation's pool reads every row
        foreach (var (plan, reason) in new[]
        {
            (onednn with { Batching = BatchMode.RowsAcrossThreads, BandedOperations = throughFirstPool }, $"its first {throughFirstPool} operations cannot run in row bands"),
            (onednn with { Batching = BatchMode.RowsAcrossThreads, BandedOperations = 0 }, "only RowsAcrossThreads bands operations, and it bands at least one"),
            (onednn with { Batching = BatchMode.AllAtOnce, BandedOperations = 2 }, "only RowsAcrossThreads bands operations"),
            (onednn with { Batch = 2, Batching = BatchMode.RowsAcrossThreads, BandedOperations = 1 }, "at batch 2"),
        })
        {
            using var network = new ConvNetwork(blocks, TestBackends.All, TensorLayout.Nhwc, NetworkPlan.FromJson(plan.ToJson()), TestBackends.Native);
            Assert.Contains(reason, network.PlanRejection);
            var y = new float[expected.Value.Length];
            Assert.NotEmpty(network.ChoosePlan(x, y, 1, size, size).MeasuredMicroseconds); // measured instead
            NetworkPlanTests.AssertWithinFirstOrderBound(y, expected, TensorLayout.Nhwc, $"after refusing {plan.Description}");
        }
    }

    private static NetworkPlan Measured(IReadOnlyList<NetworkBlock> blocks, float[] x, TensorLayout layout, int size, int outputLength)
    {
        using var network = new ConvNetwork(blocks, TestBackends.All, layout, candidates: TestBackends.Native);
        return network.ChoosePlan(x, new float[outputLength], 1, size, size);
    }

    /// <summary>The shallowest cut of the network's program, its residual sums all fused or none.</summary>
    internal static int FirstCut(IReadOnlyList<NetworkBlock> blocks, bool fused, int channels, int size) => Cuts(blocks, fused, channels, size)[0];

    /// <summary>Every cut of the network's program for one image (however much its bands recompute), its residual sums all fused or none, shallowest first.</summary>
    internal static IReadOnlyList<int> Cuts(IReadOnlyList<NetworkBlock> blocks, bool fused, int channels, int size)
    {
        using var source = new ConvNetwork(blocks, new FloatLoopBackend(), TensorLayout.Nhwc);
        NetworkGraph graph = fused ? source.Graph.FuseResidualSums(_ => true) : source.Graph;
        return RowBands.Cuts(graph, ShapePlan.ShapesFor(graph, new TensorShape(1, channels, size, size), TensorLayout.Nhwc, out ConvGeometry[] geometries), geometries, TestBackends.Threads,
            double.PositiveInfinity);
    }
}
