using NativeConv.Npy;
using Xunit;
using Xunit.Abstractions;

namespace NativeConv.Onnx.Tests;

/// <summary>
/// The ONNX files a user already has: torchvision's networks exported by torch.onnx.export (BatchNorm statistics and
/// biases randomized, opsets 13 and 17, a symbolic batch), loaded by <see cref="OnnxModel"/> and run against PyTorch's
/// float64 output within the first-order bound of the imported graph's evaluation (<see cref="ZooReference"/>).
/// </summary>
public class ZooTests(ITestOutputHelper log)
{
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
        { "efficientnet_b0", "" },
        { "regnet_y_400mf", "" },
        { "lraspp_mobilenet_v3_large", "" },
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
        using OnnxModel model = Load(dir, opset, new NetworkOptions { Backend = backend, Layout = layout, Threads = TestBackends.Threads, WholeRuntime = whole });
        ZooReference reference = ZooReference.Of(name, dir, model);
        float[] ours = Run(model, dir, layout, reference.Shape);
        return reference.Check(ours, layout, $"opset {opset} on {backend}");
    }

    /// <summary>The export in <paramref name="dir"/> on the shared backends, checked to be the export asked for (opset, symbolic batch).</summary>
    internal static OnnxModel Load(string dir, int opset, NetworkOptions options)
    {
        OnnxModel model = OnnxModel.Load(Path.Combine(dir, "model.onnx"), new OnnxModelOptions { Backends = TestBackends.All, Network = options });
        try
        {
            Assert.Equal(opset, model.Opset);
            Assert.Equal("batch", model.Inputs.Single().Dimensions[0].Symbol);
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Our output on the export's input (given in <paramref name="layout"/>), of PyTorch's shape in that layout.</summary>
    internal static float[] Run(OnnxModel model, string dir, TensorLayout layout, int[] torchShape)
    {
        NpyArray given = NpyFile.Read(Path.Combine(dir, layout == TensorLayout.Nchw ? "input.npy" : "input_nhwc.npy"));
        OnnxTensor ours = model.Run(new Dictionary<string, OnnxTensor> { ["input"] = new(given.Data, given.Shape) })["output"];
        int[] expectedShape = torchShape.Length == 4 && layout == TensorLayout.Nhwc ? [torchShape[0], torchShape[2], torchShape[3], torchShape[1]] : torchShape;
        Assert.Equal(expectedShape, ours.Shape);
        return ours.Data.ToArray();
    }
}
