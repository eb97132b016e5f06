using System.Collections.Concurrent;
using NativeConv.Npy;
using NativeConv.Samples;
using Xunit;
using Xunit.Abstractions;

namespace NativeConv.Samples.Tests;

/// <summary>
/// Each sample built from the state_dict of the PyTorch module it mirrors (build/peers/export_samples.py: weights=None,
/// BatchNorm statistics, affine parameters and biases randomized, eval mode), run on every backend in both layouts and
/// held to PyTorch's float64 output within the first-order bound of the sample's graph (<see cref="NetworkEvaluation"/>:
/// RelativeBudget · Magnitude, the accumulation lengths along the network, BatchNorm folding included), as ZooTests
/// holds the ONNX imports. The graph's own double evaluation must agree with PyTorch's within the same bound: a wrong
/// key, padding, activation or eps would not.
/// </summary>
public class SampleTests(ITestOutputHelper log)
{
    /// <summary>Each sample by the peer's name for the model it mirrors.</summary>
    private static readonly Dictionary<string, Func<IStateDict, NetworkGraph>> Samples = new()
    {
        ["shufflenet_v2_x1_0"] = w => ShuffleNetV2.Build(w),
        ["mnasnet1_0"] = w => MnasNet.Build(w),
        ["separable_unet"] = w => SeparableUNet.Build(w),
    };

    private static readonly ConcurrentDictionary<string, Lazy<(NetworkGraph Graph, ReferenceTensor Evaluation)>> Evaluations = new();

    public static TheoryData<string, string, TensorLayout> Rows() => TestBackends.Rows(Samples.Keys, NativeConvBuilder.BuiltIn().Names, TestBackends.Layouts);

    [SkippableTheory]
    [MemberData(nameof(Rows))]
    public void Sample_matches_PyTorch_on_every_backend_and_layout(string model, string backend, TensorLayout layout)
    {
        string dir = PeerExport.Directory("export_samples.py", "--model", model, "--seed", "1");
        TestBackends.GetOrSkip(backend);
        var (graph, evaluation) = Evaluate(model, dir);
        NpyArray input = NpyFile.Read(Path.Combine(dir, layout == TensorLayout.Nchw ? "input.npy" : "input_nhwc.npy"));
        NpyArray hi = NpyFile.Read(Path.Combine(dir, "output_hi.npy")), lo = NpyFile.Read(Path.Combine(dir, "output_lo.npy"));
        using var net = new ConvNetwork(graph, TestBackends.All, new NetworkOptions { Backend = backend, Layout = layout, Threads = TestBackends.Threads });
        TensorShape shape = evaluation.Shape;
        Assert.Equal(hi.Data.Length, shape.Length);
        var y = new float[shape.Length];
        net.Forward(input.Data, y, input.Shape[0], input.Shape[layout == TensorLayout.Nchw ? 2 : 1], input.Shape[layout == TensorLayout.Nchw ? 3 : 2]);

        double worst = 0, worstEvaluation = 0;
        for (int i = 0; i < evaluation.Value.Length; i++)
        {
            int at = evaluation.IndexIn(TensorLayout.Nchw, i);
            double torch = (double)hi.Data[at] + lo.Data[at];
            double bound = evaluation.RelativeBudget * evaluation.Magnitude[i];
            double ours = y[evaluation.IndexIn(layout, i)], error = Math.Abs(ours - torch);
            Assert.True(error <= bound, $"{model} on {backend} {layout}: element {at}: ours {ours}, torch {torch}, |error| {error:e3} > bound {bound:e3}");
            if (bound > 0) worst = Math.Max(worst, error / bound);
            worstEvaluation = Math.Max(worstEvaluation, Math.Abs(evaluation.Value[i] - torch) / bound);
        }
        Assert.True(worstEvaluation <= 1, $"the double evaluation of {model}'s graph is {worstEvaluation:e3} bounds from PyTorch's float64 output");
        Assert.Contains(y, v => v != 0);
        log.WriteLine($"{model} on {backend} {layout}: largest |ours - torch float64| / first-order bound {worst:0.000e+0} " +
            $"(double evaluation {worstEvaluation:0.000e+0}; budget {evaluation.RelativeBudget:0.00e+0} of the terms' magnitude)");
    }

    public static TheoryData<string> Models() => [.. Samples.Keys];

    /// <summary>
    /// Every sample builds from any state_dict of its model's keys and shapes (seeded, no torch needed), and refuses one
    /// with a tensor it does not read (another model's, or another width's) naming it: never a silently different network.
    /// </summary>
    [Theory]
    [MemberData(nameof(Models))]
    public void Sample_reads_every_tensor_and_refuses_one_left_over(string model)
    {
        NetworkGraph graph = Samples[model](new RandomStateDict(1));
        Assert.Equal(new GraphTensor("image", 3), Assert.Single(graph.Inputs));
        Assert.Single(graph.Outputs);
        var e = Assert.Throws<StateDictException>(() => Samples[model](new WithExtraKey(new RandomStateDict(1), "extra.weight")));
        Assert.Equal("extra.weight", e.Key);
    }

    /// <summary>The sample's graph and its double evaluation on the peer's input, once per model.</summary>
    private static (NetworkGraph, ReferenceTensor) Evaluate(string model, string dir) =>
        Evaluations.GetOrAdd(model, _ => new(() =>
        {
            NetworkGraph graph;
            string path = Path.Combine(dir, "weights.npz");
            using (var weights = new NpzStateDict(path))
                graph = Samples[model](weights);
            File.Delete(path); // read once, and most of the export (Xception's is 90 MB)
            NpyArray image = NpyFile.Read(Path.Combine(dir, "input.npy"));
            var shape = new TensorShape(image.Shape[0], image.Shape[1], image.Shape[2], image.Shape[3]);
            return (graph, NetworkEvaluation.Run(graph, [ReferenceTensor.Exact(image.Data, shape, TensorLayout.Nchw)], foldedFromBatchNorm: true)[0]);
        })).Value;

    /// <summary>A state_dict with one key more than <paramref name="inner"/>, which nothing reads.</summary>
    private sealed class WithExtraKey(IStateDict inner, string extra) : IStateDict
    {
        public IReadOnlyCollection<string> Keys => [.. inner.Keys, extra];

        public float[] Read(string key, ReadOnlySpan<int> shape) => inner.Read(key, shape);
    }
}
