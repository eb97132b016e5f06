using Xunit;
using Xunit.Abstractions;

namespace NativeConv.Onnx.Tests;

/// <summary>
/// The zoo exports in ONNX Runtime beside NativeConv, on the same file and input: ORT's output within the same derived
/// bound of PyTorch's float64 output as ours (<see cref="ZooReference"/>: the bound belongs to the file), and ours and
/// ORT's within the sum of their bounds of each other, on each native backend. Every model that imports runs; one this
/// build refuses (the refusals pinned in <see cref="ZooTests.ZooRows"/>) is a visible skip naming what it needs, and joins
/// as soon as it imports.
/// </summary>
public class ZooOnnxRuntimeTests(ITestOutputHelper log)
{
    public static TheoryData<string, int> Rows() =>
        TestBackends.Rows(ZooTests.ZooRows().Select(row => (string)row[0]), new[] { 13, 17 });

    [SkippableTheory]
    [MemberData(nameof(Rows))]
    public void OnnxRuntime_and_NativeConv_match_PyTorch_within_the_same_bound(string name, int opset)
    {
        string dir = ZooPeer.Directory(name, opset);
        string version = OnnxRuntimePeer.Version;
        (ZooReference Bound, float[] Output)? ort = null;
        foreach (string backend in TestBackends.Native)
        {
            TestBackends.GetOrSkip(backend);
            using OnnxModel model = LoadOrSkip(name, dir, opset, backend);
            // The reference depends on the imported graph only, not on the backend: made once, with ORT's run.
            ort ??= OnnxRuntimeWithinBound(name, dir, opset, version, ZooReference.Of(name, dir, model));
            (ZooReference reference, float[] ortOutput) = ort.Value;
            float[] ours = ZooTests.Run(model, dir, TensorLayout.Nchw, reference.Shape);
            double oursWorst = reference.Check(ours, TensorLayout.Nchw, $"opset {opset} on {backend}");
            double agreement = reference.CheckAgreement(ours, TensorLayout.Nchw, ortOutput, $"opset {opset}, ours on {backend} and ONNX Runtime");
            log.WriteLine($"{name} opset {opset} on {backend}: largest |ours - torch float64| / bound {oursWorst:0.000e+0}; largest |ours - ORT| / (sum of both bounds) {agreement:0.000e+0}");
        }
    }

    private (ZooReference, float[]) OnnxRuntimeWithinBound(string name, string dir, int opset, string version, ZooReference reference)
    {
        (float[] output, int[] shape) = OnnxRuntimePeer.Run(Path.Combine(dir, "model.onnx"), reference.Input);
        Assert.Equal(reference.Shape, shape);
        double worst = reference.Check(output, TensorLayout.Nchw, $"ONNX Runtime {version} opset {opset}");
        log.WriteLine($"{name} opset {opset} on ONNX Runtime {version}: largest |ORT - torch float64| / bound {worst:0.000e+0}");
        return (reference, output);
    }

    /// <summary>The model on <paramref name="backend"/>; a refusal (what it needs is pinned in <see cref="ZooTests.ZooRows"/>) is a visible skip.</summary>
    private static OnnxModel LoadOrSkip(string name, string dir, int opset, string backend)
    {
        try
        {
            return ZooTests.Load(dir, opset, new NetworkOptions { Backend = backend, Threads = TestBackends.Threads });
        }
        catch (OnnxNotSupportedException e)
        {
            string needs = string.Join(" ", e.Nodes.Select(n => n.OpType).Distinct().Order(StringComparer.Ordinal));
            Skip.If(true, $"{name} is refused at load (needs {needs}): the ONNX Runtime cross-check runs as soon as it imports");
            throw;
        }
    }
}
