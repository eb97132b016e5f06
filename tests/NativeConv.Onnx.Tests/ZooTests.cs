using NativeConv.Npy;
using Xunit;
using Xunit.Abstractions;

namespace NativeConv.Onnx.Tests;

/// <summary>
/// The ONNX files a user already has: torchvision's networks exported by torch.onnx.export (BatchNorm statistics and
/// biases randomized, opsets 13 and 17, a symbolic batch), loaded by <see cref="OnnxModel"/> and run against PyTorch's
/// float64 output within the first-order bound of the imported graph's evaluation (<see cref="NetworkEvaluation"/>:
/// RelativeBudget · Magnitude, the accumulation lengths along the network). The exporter folded each BatchNorm into its
/// convolution in float32: var + eps, its square root, scale / root and w · scale round each weight up to 4 times, so
/// every product may be off by 4u of |w·x| more (the product-rounding term), and each folded value once more from its
/// rounded factors (the folding term).
/// </summary>
public class ZooTests(ITestOutputHelper log)
{
    /// <summary>What torch's float32 folding adds to each product: 4 roundings of the weight.</summary>
    private const double ExportFolding = 4 * NetworkEvaluation.U;

    private static readonly string[] MobileNets = ["mobilenet_v2", "mobilenet_v3_small", "mobilenet_v3_large"];

    /// <summary>ShuffleNet v2: max pooling, concatenation, chunk's channel split and the channel shuffle besides convolutions.</summary>
    private static readonly string[] ShuffleNets = ["shufflenet_v2_x0_5", "shufflenet_v2_x1_0"];

    public static TheoryData<string, int, string, TensorLayout> MobileNetRows() => EveryBackendAndLayout(MobileNets);

    public static TheoryData<string, int, string, TensorLayout> ShuffleNetRows() => EveryBackendAndLayout(ShuffleNets);

    private static TheoryData<string, int, string, TensorLayout> EveryBackendAndLayout(string[] models)
    {
        var rows = new TheoryData<string, int, string, TensorLayout>();
        foreach (string model in models)
            foreach (int opset in new[] { 13, 17 })
                foreach (string backend in NativeConvBuilder.BuiltIn().Names)
                    foreach (TensorLayout layout in TestBackends.Layouts)
                        rows.Add(model, opset, backend, layout);
        return rows;
    }

    [SkippableTheory]
    [MemberData(nameof(MobileNetRows))]
    public void MobileNets_match_PyTorch_on_every_backend_and_layout(string model, int opset, string backend, TensorLayout layout)
    {
        double worst = MatchesPyTorch(model, opset, backend, layout);
        log.WriteLine($"{model} opset {opset} on {backend} {layout}: largest |ours - torch float64| / first-order bound {worst:0.000e+0}");
    }

    [SkippableTheory]
    [MemberData(nameof(ShuffleNetRows))]
    public void ShuffleNets_match_PyTorch_on_every_backend_and_layout(string model, int opset, string backend, TensorLayout layout)
    {
        double worst = MatchesPyTorch(model, opset, backend, layout);
        log.WriteLine($"{model} opset {opset} on {backend} {layout}: largest |ours - torch float64| / first-order bound {worst:0.000e+0}");
    }

    public static TheoryData<string, TensorLayout> WholeRows() => TestBackends.Rows(MobileNets, TestBackends.Layouts);

    /// <summary>The imported MobileNets handed to XNNPACK whole, as one subgraph runtime (<see cref="NetworkOptions.WholeRuntime"/>).</summary>
    [SkippableTheory]
    [MemberData(nameof(WholeRows))]
    public void MobileNets_run_as_one_XNNPACK_subgraph(string model, TensorLayout layout)
    {
        double worst = MatchesPyTorch(model, 13, XnnpackBackend.BackendName, layout, whole: true);
        log.WriteLine($"{model} opset 13 on xnnpack whole {layout}: largest |ours - torch float64| / first-order bound {worst:0.000e+0}");
    }

    /// <summary>
    /// Every zoo model at opset 13: those this build's operations cover import and match PyTorch; the others are refused
    /// at load naming exactly the operations they need (which the branches adding them will turn into passes).
    /// </summary>
    public static TheoryData<string, string> ZooRows() => new()
    {
        { "mobilenet_v2", "" },
        { "mobilenet_v3_small", "" },
        { "mobilenet_v3_large", "" },
        { "mnasnet0_5", "" },
        { "mnasnet1_0", "" },
        { "regnet_x_400mf", "" },
        { "shufflenet_v2_x0_5", "" },
        { "shufflenet_v2_x1_0", "" },
        { "efficientnet_b0", "Sigmoid nativeconv.SiLU" },
        { "regnet_y_400mf", "Sigmoid" },
        { "lraspp_mobilenet_v3_large", "Sigmoid" },
    };

    [SkippableTheory]
    [MemberData(nameof(ZooRows))]
    public void Zoo_models_import_and_match_PyTorch_or_name_what_they_need(string model, string missing)
    {
        if (missing.Length == 0)
        {
            foreach (int opset in new[] { 13, 17 })
                foreach (string backend in TestBackends.Native)
                    log.WriteLine($"{model} opset {opset} on {backend}: largest |ours - torch float64| / first-order bound {MatchesPyTorch(model, opset, backend, TensorLayout.Nchw):0.000e+0}");
            return;
        }
        string dir = ZooPeer.Directory(model, 13);
        var e = Assert.Throws<OnnxNotSupportedException>(() => OnnxModel.Load(Path.Combine(dir, "model.onnx"), new OnnxModelOptions { Backends = TestBackends.All }));
        Assert.Equal(missing, string.Join(" ", e.Nodes.Select(n => n.OpType).Distinct().Order(StringComparer.Ordinal)));
        log.WriteLine($"{model}: {e.Nodes.Count} nodes need {missing}");
    }

    /// <returns>The largest |ours − torch| / bound.</returns>
    private static double MatchesPyTorch(string name, int opset, string backend, TensorLayout layout, bool whole = false)
    {
        string dir = ZooPeer.Directory(name, opset);
        TestBackends.GetOrSkip(backend);
        using OnnxModel model = OnnxModel.Load(Path.Combine(dir, "model.onnx"),
            new OnnxModelOptions { Backends = TestBackends.All, Network = new NetworkOptions { Backend = backend, Layout = layout, Threads = TestBackends.Threads, WholeRuntime = whole } });
        Assert.Equal(opset, model.Opset);
        Assert.Equal("batch", model.Inputs.Single().Dimensions[0].Symbol);
        NpyArray nchw = NpyFile.Read(Path.Combine(dir, "input.npy")), given = layout == TensorLayout.Nchw ? nchw : NpyFile.Read(Path.Combine(dir, "input_nhwc.npy"));
        NpyArray hi = NpyFile.Read(Path.Combine(dir, "output_hi.npy")), lo = NpyFile.Read(Path.Combine(dir, "output_lo.npy"));
        OnnxTensor ours = model.Run(new Dictionary<string, OnnxTensor> { ["input"] = new(given.Data, given.Shape) })["output"];
        int[] expectedShape = hi.Shape.Length == 4 && layout == TensorLayout.Nhwc ? [hi.Shape[0], hi.Shape[2], hi.Shape[3], hi.Shape[1]] : hi.Shape;
        Assert.Equal(expectedShape, ours.Shape);

        var shape = new TensorShape(nchw.Shape[0], nchw.Shape[1], nchw.Shape[2], nchw.Shape[3]);
        ReferenceTensor evaluation = NetworkEvaluation.Run(model.Graph, [ReferenceTensor.Exact(nchw.Data, shape, TensorLayout.Nchw)],
            foldedFromBatchNorm: true, productRounding: ExportFolding)[0];
        float[] y = ours.Data.ToArray();
        double worst = 0, worstEvaluation = 0;
        for (int i = 0; i < evaluation.Value.Length; i++)
        {
            int at = evaluation.IndexIn(TensorLayout.Nchw, i);
            double torch = (double)hi.Data[at] + lo.Data[at];
            double bound = evaluation.RelativeBudget * evaluation.Magnitude[i];
            double error = Math.Abs(y[evaluation.IndexIn(layout, i)] - torch);
            Assert.True(error <= bound, $"{name} opset {opset} on {backend} {layout}: element {at}: ours {y[evaluation.IndexIn(layout, i)]}, torch {torch}, |error| {error:e3} > bound {bound:e3}");
            if (bound > 0) worst = Math.Max(worst, error / bound);
            worstEvaluation = Math.Max(worstEvaluation, Math.Abs(evaluation.Value[i] - torch) / bound);
        }
        // The imported graph's own double evaluation agrees with PyTorch's double model within the same budget.
        Assert.True(worstEvaluation <= 1, $"the double evaluation of the imported graph is {worstEvaluation:e3} bounds from PyTorch's");
        Assert.Contains(y, v => v != 0);
        return worst;
    }
}
