using System.Collections.Concurrent;
using NativeConv.Npy;
using Xunit;
using Xunit.Abstractions;

namespace NativeConv.Cli.Tests;

/// <summary>
/// MobileNet v1, v2, v3-small and v3-large against PyTorch (torchvision's models; v1 the torch module in
/// build/peers, named the same way), with BatchNorm statistics randomized so folding is exercised:
/// <list type="bullet">
/// <item>block by block, on every backend: each block given PyTorch's own input to it must land within
/// the rigorous derived bound of PyTorch's float64 output (<see cref="NetworkEvaluation"/>, folding
/// included): every weight is read from the right key, every padding, activation and eps is right;</item>
/// <item>end to end through <c>nativeconv net run</c>, on every backend and in both layouts: the logits
/// within the first-order bound from the accumulation lengths along the network (Magnitude ·
/// RelativeBudget, documented in <see cref="NetworkEvaluation"/>).</item>
/// </list>
/// The largest error relative to its bound per model and backend goes to artifacts/network-crosscheck.txt.
/// </summary>
public class NetworkCrossCheckTests(ITestOutputHelper log)
{
    private static readonly ConcurrentDictionary<string, Lazy<(IReadOnlyList<NetworkBlock> Blocks, ReferenceTensor Evaluation)>> Evaluations = new();
    private static readonly ConcurrentDictionary<string, string> Summary = new();

    public static TheoryData<string, string> ModelsAndBackends()
    {
        var data = new TheoryData<string, string>();
        foreach (string model in new[] { "v1", "v2", "v3-small", "v3-large" })
            foreach (string backend in NativeConvBuilder.BuiltIn().Names)
                data.Add(model, backend);
        return data;
    }

    /// <summary>Every backend operation by operation, and XNNPACK whole too (its subgraph runtime, net run --whole).</summary>
    public static TheoryData<string, string, string, bool> ModelsBackendsAndLayouts()
    {
        var data = new TheoryData<string, string, string, bool>();
        foreach (string model in new[] { "v1", "v2", "v3-small", "v3-large" })
            foreach (string backend in NativeConvBuilder.BuiltIn().Names)
                foreach (string layout in new[] { "nchw", "nhwc" })
                {
                    data.Add(model, backend, layout, false);
                    if (backend == XnnpackBackend.BackendName) data.Add(model, backend, layout, true);
                }
        return data;
    }

    [SkippableTheory]
    [MemberData(nameof(ModelsAndBackends))]
    public void Every_block_matches_PyTorch_within_its_rigorous_bound(string model, string backendName)
    {
        string dir = TorchvisionPeer.Directory(model);
        ConvBackend backend = TestBackends.GetOrSkip(backendName);
        IReadOnlyList<NetworkBlock> blocks;
        using (var weights = new NpzStateDict(Path.Combine(dir, "weights.npz")))
            blocks = MobileNets.Blocks(MobileNets.Parse(model), weights);
        using NpzArchive reference = NpzArchive.Open(Path.Combine(dir, "reference.npz"));
        NpyArray image = NpyFile.Read(Path.Combine(dir, "input.npy"));
        (float[] Hi, double[] Exact, TensorShape Shape) input = (image.Data, image.Data.Select(v => (double)v).ToArray(), Shape(image.Shape));
        double worst = 0;
        for (int k = 0; k < blocks.Count; k++)
        {
            NetworkBlock block = blocks[k];
            NpyArray hi = reference.ReadArray($"{k}.hi"), lo = reference.ReadArray($"{k}.lo");
            using var single = new ConvNetwork([block], ConvBackends.Of(backend), new NetworkOptions { Layout = TensorLayout.Nchw });
            TensorShape outShape = single.OutputShape(input.Shape);
            Assert.Equal(Shape(hi.Shape), outShape);
            var ours = new float[outShape.Length];
            single.Forward(input.Hi, ours, input.Shape.Batch, input.Shape.Height, input.Shape.Width);

            // The exact input is PyTorch's double; ours is its float32 rounding, off by |lo| (+ lo's own rounding).
            ReferenceTensor start = FromNchw(input.Exact, input.Hi, input.Shape);
            ReferenceTensor expected = NetworkEvaluation.Run([block], start, foldedFromBatchNorm: true);
            for (int i = 0; i < expected.Value.Length; i++)
            {
                int at = expected.IndexIn(TensorLayout.Nchw, i);
                double torch = (double)hi.Data[at] + lo.Data[at];
                double error = Math.Abs(ours[at] - torch), bound = expected.Bound[i] + Math.Abs(torch) * Math.Pow(2, -47);
                Assert.True(error <= bound, $"{model} block {k} '{block.Name}' on {backendName}: output {at}: ours {ours[at]}, torch {torch}, |error| {error:e3} > bound {bound:e3}");
                if (bound > 0) worst = Math.Max(worst, error / bound);
            }
            input = (hi.Data, hi.Data.Select((v, i) => (double)v + lo.Data[i]).ToArray(), outShape);
        }
        Record($"{model} {backendName} per block", $"largest |ours - torch float64| / rigorous bound over {blocks.Count} blocks: {worst:0.000e+0}");
    }

    [SkippableTheory]
    [MemberData(nameof(ModelsBackendsAndLayouts))]
    public void Net_run_logits_match_PyTorch_within_the_first_order_bound(string model, string backendName, string layout, bool whole)
    {
        string dir = TorchvisionPeer.Directory(model);
        TestBackends.GetOrSkip(backendName);
        string runsOn = whole ? backendName + " whole" : backendName;
        string output = Path.Combine(dir, $"logits.{runsOn.Replace(' ', '-')}.{layout}.npy");
        string[] args =
        [
            "net", "run", "--model", model, "--weights", Path.Combine(dir, "weights.npz"),
            "--input", Path.Combine(dir, layout == "nchw" ? "input.npy" : "input_nhwc.npy"), "--output", output,
            "--layout", layout, "--backend", backendName, "--threads", "2", .. (whole ? new[] { "--whole" } : []),
        ];
        NetOptions options = NetOptions.Parse(new CommandLine(args, 2, NetOptions.RunFlags, NetOptions.RunSwitches), run: true);
        Assert.Equal(whole, options.Whole);
        Assert.Equal(0, NetRunCommand.Run(options, TextWriter.Null));
        NpyArray ours = NpyFile.Read(output);
        Assert.Equal([1, 1000], ours.Shape);

        var (blocks, evaluation) = Evaluate(model, dir);
        using NpzArchive reference = NpzArchive.Open(Path.Combine(dir, "reference.npz"));
        int last = blocks.Count - 1;
        NpyArray hi = reference.ReadArray($"{last}.hi"), lo = reference.ReadArray($"{last}.lo");
        double worst = 0, worstEvaluation = 0;
        for (int i = 0; i < ours.Data.Length; i++)
        {
            double torch = (double)hi.Data[i] + lo.Data[i];
            double bound = evaluation.RelativeBudget * evaluation.Magnitude[i];
            double error = Math.Abs(ours.Data[i] - torch);
            Assert.True(error <= bound, $"{model} on {runsOn} {layout}: logit {i}: ours {ours.Data[i]}, torch {torch}, |error| {error:e3} > first-order bound {bound:e3}");
            if (bound > 0) worst = Math.Max(worst, error / bound);
            // The independent double evaluation of our blocks agrees with PyTorch's double model too
            // (they differ by the folding roundings only, well inside the same budget).
            worstEvaluation = Math.Max(worstEvaluation, Math.Abs(evaluation.Value[i] - torch) / bound);
        }
        Assert.True(worstEvaluation <= 1, $"the double evaluation of the blocks is {worstEvaluation:e3} bounds from PyTorch's");
        Assert.Contains(ours.Data, v => v != 0);
        Record($"{model} {runsOn} {layout} net run", $"largest |logit - torch float64| / first-order bound: {worst:0.000e+0} " +
            $"(budget {evaluation.RelativeBudget:0.00e+0} of the terms' magnitude)");
        log.WriteLine(Summary[$"{model} {runsOn} {layout} net run"]);
    }

    private static (IReadOnlyList<NetworkBlock>, ReferenceTensor) Evaluate(string model, string dir) =>
        Evaluations.GetOrAdd(model, _ => new(() =>
        {
            IReadOnlyList<NetworkBlock> blocks;
            using (var weights = new NpzStateDict(Path.Combine(dir, "weights.npz")))
                blocks = MobileNets.Blocks(MobileNets.Parse(model), weights);
            NpyArray image = NpyFile.Read(Path.Combine(dir, "input.npy"));
            return (blocks, NetworkEvaluation.Run(blocks, ReferenceTensor.Exact(image.Data, Shape(image.Shape), TensorLayout.Nchw), foldedFromBatchNorm: true));
        })).Value;

    private static TensorShape Shape(int[] s) => s.Length == 4 ? new TensorShape(s[0], s[1], s[2], s[3]) : new TensorShape(s[0], s[1], 1, 1);

    /// <summary>An NCHW input known exactly (double) whose float32 rounding is what the network gets: the error bound is the difference.</summary>
    private static ReferenceTensor FromNchw(double[] exact, float[] rounded, TensorShape shape)
    {
        ReferenceTensor layout = ReferenceTensor.Exact(rounded, shape, TensorLayout.Nchw); // only for the index mapping
        var value = new double[exact.Length];
        var bound = new double[exact.Length];
        for (int i = 0; i < value.Length; i++)
        {
            int at = layout.IndexIn(TensorLayout.Nchw, i);
            value[i] = exact[at];
            bound[i] = Math.Abs(exact[at] - rounded[at]);
        }
        return new ReferenceTensor(shape, value, bound);
    }

    private static void Record(string key, string line)
    {
        Summary[key] = line;
        string? root = null;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "NativeConv.sln"))) root = dir.FullName;
        if (root is null) return;
        lock (Summary)
        {
            Directory.CreateDirectory(Path.Combine(root, "artifacts"));
            File.WriteAllLines(Path.Combine(root, "artifacts", "network-crosscheck.txt"), Summary.OrderBy(p => p.Key).Select(p => $"{p.Key}: {p.Value}"));
        }
    }
}
