using Xunit;

namespace NativeConv.Tests;

/// <summary>
/// The README's usage example, kept honest: the same lines, on every built-in backend, and its output
/// equal to the reference's. Integer-valued data keeps every sum exact (|dw| ≤ 9·2·2 = 36,
/// |pw| ≤ 32·36·2 = 2304, far below 2²⁴), so the comparison is equality.
/// </summary>
public class ReadmeExampleTests
{
    public static TheoryData<string> Backends() => new(NativeConvBuilder.BuiltIn().Names);

    [SkippableTheory]
    [MemberData(nameof(Backends))]
    public void Readme_example_runs_and_matches_the_reference(string backendName)
    {
        TestBackends.GetOrSkip(backendName);
        var r = new Random(1);
        float[] Rand(int n) => Enumerable.Range(0, n).Select(_ => (float)r.Next(-2, 3)).ToArray();
        float[] dwWeights = Rand(32 * 1 * 3 * 3), pwWeights = Rand(64 * 32 * 1 * 1), image = Rand(1 * 32 * 56 * 56);

        // --- README example (keep in sync with README.md) ---
        using var backends = new ConvBackends(new NativeConvOptions { Threads = 2 });   // or services.AddNativeConv(...)
        using var block = new DepthwiseSeparableConv2d(32, 64, kernel: 3,
            dwWeights, depthwiseBias: [], pwWeights, pointwiseBias: [],      // PyTorch order (out, in/groups, kh, kw)
            backends.Get(backendName), new DepthwiseSeparableOptions { Padding = 1, Layout = TensorLayout.Nchw });
        var output = new float[block.Geometry(1, 56, 56).OutputLength];     // 1 x 64 x 56 x 56
        block.Forward(image, output, batch: 1, height: 56, width: 56);
        // --- end of README example ---

        using var reference = new DepthwiseSeparableConv2d(32, 64, 3, dwWeights, [], pwWeights, [],
            new ReferenceBackend(), new DepthwiseSeparableOptions { Padding = 1, Layout = TensorLayout.Nchw });
        var expected = new float[output.Length];
        reference.Forward(image, expected, 1, 56, 56);
        Assert.Equal(64 * 56 * 56, output.Length);
        Assert.Equal(expected, output);
        Assert.True(expected.Count(v => v > 0) > output.Length / 10, "the data exercises the ReLUs on both sides");
    }

    /// <summary>The built-in backends and "auto", the README graph example's own choice.</summary>
    public static TheoryData<string> BackendsAndAuto() => new([.. NativeConvBuilder.BuiltIn().Names, "auto"]);

    /// <summary>
    /// The README's graph example (a value read twice, SiLU fused into the depthwise convolution, ReLU after the add),
    /// the same lines with the backend substituted, on every built-in backend and auto: its output within the
    /// first-order bound of the graph's independent double evaluation (<see cref="NetworkEvaluation"/>) on the same input.
    /// </summary>
    [SkippableTheory]
    [MemberData(nameof(BackendsAndAuto))]
    public void Readme_graph_example_runs_and_matches_the_double_evaluation(string backendName)
    {
        if (backendName != "auto") TestBackends.GetOrSkip(backendName);
        var r = new Random(5);
        float[] stemWeights = NetworkCases.Rand(r, 32 * 3 * 3 * 3, 1 / Math.Sqrt(27)), dwWeights = NetworkCases.Rand(r, 32 * 1 * 3 * 3, 1 / 3.0);
        float[] pwWeights = NetworkCases.Rand(r, 32 * 32, 1 / Math.Sqrt(32)), image = NetworkCases.Rand(r, 1 * 3 * 224 * 224, 1);
        string backend = backendName;

        // --- README graph example (keep in sync with README.md; there Backend = "auto") ---
        using var backends = new ConvBackends(new NativeConvOptions { Threads = 2 });   // or services.AddNativeConv(...)
        var g = new GraphBuilder();
        Value x = g.Input("image", 3);
        Value stem = g.Conv2d(x, new Conv2dSpec(3, 32, 3, stride: 2, padding: 1, bias: false, activation: Activation.ReLU6), stemWeights, []);
        Value dw = g.Conv2d(stem, Conv2dSpec.Depthwise(32, 3, padding: 1, bias: false, activation: Activation.SiLU), dwWeights, []);
        Value pw = g.Conv2d(dw, Conv2dSpec.Pointwise(32, 32, bias: false), pwWeights, []);
        g.Output(g.Add(pw, stem, Activation.ReLU), "features");          // a value read twice, an activation after the add
        using var net = new ConvNetwork(g.Build(), backends, new NetworkOptions { Backend = backend, Layout = TensorLayout.Nchw });
        var y = new float[net.OutputShape(new TensorShape(1, 3, 224, 224)).Length];   // 1 x 32 x 112 x 112
        net.Forward(image, y, batch: 1, height: 224, width: 224);
        // --- end of README graph example ---

        Assert.Equal(1 * 32 * 112 * 112, y.Length);
        // net.Graph is the graph as given: nothing in it is a standalone activation to fold.
        ReferenceTensor expected = NetworkEvaluation.Run(net.Graph, [ReferenceTensor.Exact(image, new TensorShape(1, 3, 224, 224), TensorLayout.Nchw)], foldedFromBatchNorm: false)[0];
        Assert.Equal(new TensorShape(1, 32, 112, 112), expected.Shape);
        for (int i = 0; i < y.Length; i++)
        {
            int at = expected.IndexIn(TensorLayout.Nchw, i);
            double bound = expected.RelativeBudget * expected.Magnitude[i];
            Assert.True(Math.Abs(y[at] - expected.Value[i]) <= bound, $"{backendName}: element {at}: {y[at]} vs {expected.Value[i]} (bound {bound:e3})");
        }
        Assert.True(y.Count(v => v > 0) > y.Length / 10 && y.Count(v => v == 0) > y.Length / 10, "the data exercises the ReLU after the add on both sides");
    }

    private static readonly Lazy<(string Path, float[] Image, ReferenceTensor Expected)> V2 = new(() =>
    {
        string path = StateDictFile.Write(MobileNetModel.V2, 11, Path.Combine(Directory.CreateTempSubdirectory("nativeconv-readme-").FullName, "mobilenet_v2.npz"));
        float[] image = NetworkCases.Rand(new Random(3), 3 * 224 * 224, 1);
        using var file = new NpzStateDict(path);
        IReadOnlyList<NetworkBlock> blocks = MobileNets.Blocks(MobileNetModel.V2, file);
        return (path, image, NetworkEvaluation.Run(blocks, ReferenceTensor.Exact(image, new TensorShape(1, 3, 224, 224), TensorLayout.Nchw), foldedFromBatchNorm: false));
    });

    /// <summary>
    /// The README's network example, the same lines, on every built-in backend: its logits within the
    /// first-order bound of the independent double evaluation of the same folded network (see NetworkEvaluation).
    /// </summary>
    [SkippableTheory]
    [MemberData(nameof(Backends))]
    public void Readme_network_example_runs_and_matches_the_double_evaluation(string backendName)
    {
        TestBackends.GetOrSkip(backendName);
        var (path, image, expected) = V2.Value;
        string backend = backendName;

        // --- README network example (keep in sync with README.md) ---
        using var backends = new ConvBackends(new NativeConvOptions { Threads = 2 });   // or services.AddNativeConv(...)
        using var weights = new NpzStateDict(path);     // torchvision's state_dict: np.savez(path, **{k: v.numpy() for k, v in m.state_dict().items()})
        using ConvNetwork net = MobileNets.Create(MobileNetModel.V2, weights, backends, new NetworkOptions { Backend = backend }); // or "auto"
        var logits = new float[net.OutputShape(new TensorShape(1, 3, 224, 224)).Length];   // 1 x 1000
        net.Forward(image, logits, batch: 1, height: 224, width: 224);
        // --- end of README network example ---

        Assert.Equal(1000, logits.Length);
        for (int i = 0; i < logits.Length; i++)
        {
            double bound = expected.RelativeBudget * expected.Magnitude[i];
            Assert.True(Math.Abs(logits[i] - expected.Value[i]) <= bound, $"logit {i}: {logits[i]} vs {expected.Value[i]} (bound {bound:e3})");
        }
        Assert.Contains(logits, v => v != 0);
    }
}
