using Microsoft.ML.OnnxRuntime;
using NativeConv.Cli;
using NativeConv.Onnx;

namespace NativeConv.Benchmarks.Ort;

/// <summary>
/// onnx-paired: one .onnx file in NativeConv (<see cref="NativeConvOnnxPeer"/>) and in one ONNX Runtime InferenceSession
/// (<see cref="BoundSession"/>: ALL graph optimizations, sequential, --threads intra-op threads), both bound to the same
/// input buffer, timed in this process in alternating blocks (<see cref="BlockTiming"/>: the ratio pair by pair, so the
/// machine's drift cancels); then, in fresh child processes, each library's load and first call (NativeConv without a plan
/// file and with one a previous child wrote) and peak resident memory. At each batch of --batches; the file's batch must
/// be symbolic (or that batch).
/// </summary>
internal static class OnnxPaired
{
    public static int Run(string[] args) => ModelRunOptions.Run(args, OnnxPairedOptions.Parse, Run);

    private static int Run(OnnxPairedOptions options)
    {
        switch (options.Child)
        {
            case "load":
                Console.WriteLine(FreshProcess.ToJson(LoadAndFirstCall.Measure(options)));
                return 0;
            case "memory":
                Console.WriteLine(FreshProcess.ToJson(PeakMemory.Measure(options)));
                return 0;
        }
        try
        {
            foreach (int batch in options.Batches)
            {
                OnnxPairedResult result = Measure(options, batch);
                Console.WriteLine(options.Json ? result.ToJson() : result.ToString());
            }
        }
        catch (OnnxNotSupportedException e) // a model NativeConv refuses at load: nothing to pair (exit 3, what it needs on stderr's first line)
        {
            Console.Error.WriteLine($"{e.Nodes.Count} node(s) need {string.Join(", ", e.Nodes.Select(n => n.OpType).Distinct().Order(StringComparer.Ordinal))}");
            Console.Error.WriteLine(e.Message);
            return 3;
        }
        return 0;
    }

    private static OnnxPairedResult Measure(OnnxPairedOptions options, int batch)
    {
        Paired paired = MeasurePairs(options, batch);
        int[] shape = paired.Shape;
        string? planDirectory = options.Backend == NetworkOptions.Auto ? PreparedPlanDirectory(options, shape) : null;
        try
        {
            var cold = new List<LoadAndFirstCall>();
            var withPlan = new List<LoadAndFirstCall>();
            var ort = new List<LoadAndFirstCall>();
            for (int run = 0; run < options.FreshRuns; run++) // interleaved: a drift of the machine reaches the three alike
            {
                cold.Add(FreshProcess.Run<LoadAndFirstCall>(options.ChildArguments("load", "nativeconv", shape, null)));
                if (planDirectory is not null)
                {
                    LoadAndFirstCall followed = FreshProcess.Run<LoadAndFirstCall>(options.ChildArguments("load", "nativeconv", shape, planDirectory));
                    withPlan.Add(followed.PlanFollowed ? followed : throw new InvalidOperationException($"the plan file in {planDirectory} was not followed"));
                }
                ort.Add(FreshProcess.Run<LoadAndFirstCall>(options.ChildArguments("load", "ort", shape, null)));
            }
            PeakMemory ourMemory = FreshProcess.Run<PeakMemory>(options.ChildArguments("memory", "nativeconv", shape, null));
            PeakMemory ortMemory = FreshProcess.Run<PeakMemory>(options.ChildArguments("memory", "ort", shape, null));
            return paired.Result(options, batch,
                Median(cold), withPlan.Count > 0 ? Median(withPlan) : null, Median(ort), cold, withPlan, ort, ourMemory, ortMemory);
        }
        finally
        {
            if (planDirectory is not null) Directory.Delete(planDirectory, recursive: true);
        }
    }

    /// <summary>
    /// A plan directory holding the plan a previous fresh process measured and saved for <paramref name="shape"/>; null
    /// when auto saves none (one backend loads here: nothing to choose).
    /// </summary>
    private static string? PreparedPlanDirectory(OnnxPairedOptions options, int[] shape)
    {
        string directory = Directory.CreateTempSubdirectory("nativeconv-onnx-paired-plans-").FullName;
        _ = FreshProcess.Run<LoadAndFirstCall>(options.ChildArguments("load", "nativeconv", shape, directory));
        if (Directory.EnumerateFiles(directory).Any()) return directory;
        Directory.Delete(directory, recursive: true);
        return null;
    }

    /// <summary>Both libraries in this process, then disposed (their threads gone before any child starts).</summary>
    private static Paired MeasurePairs(OnnxPairedOptions options, int batch)
    {
        using var ours = new NativeConvOnnxPeer(options, planDirectory: null);
        int[] shape = ours.InputShape(batch);
        using AlignedFloatBuffer input = OnnxPairedInput.Create(options.InputPath, shape);
        using var ort = new BoundSession(options.ModelPath, options.Threads, input, shape.Select(d => (long)d).ToArray());
        do ours.Run(input, shape); // auto plans the shape on its first call, ONNX Runtime idle
        while (ours.PlanFor(shape) is null);
        ort.Run();
        // Both computed the same function of the same input: the largest difference, beside the outputs' scale.
        double difference = 0, scale = 0;
        ReadOnlySpan<float> a = ours.Output, b = ort.Output;
        for (int i = 0; i < a.Length; i++)
        {
            difference = Math.Max(difference, Math.Abs(a[i] - b[i]));
            scale = Math.Max(scale, Math.Abs(b[i]));
        }
        BlockTiming timing = BlockTiming.Measure([() => ours.Run(input, shape), ort.Run], options.Pairs, options.MinMilliseconds);
        return new Paired(shape, ours.Opset, ours.PlanFor(shape)!.Chosen.ToString(), timing, ours.MultiplyAccumulates(shape), difference, scale);
    }

    private static double Median(IEnumerable<LoadAndFirstCall> runs) => Math.Round(BlockTiming.Median(runs.Select(r => r.TotalMs)), 1);

    /// <summary>What the in-process pairs measured.</summary>
    private sealed record Paired(int[] Shape, int Opset, string Plan, BlockTiming Timing, long MultiplyAccumulates, double MaxAbsDifference, double OutputMaxAbs)
    {
        public OnnxPairedResult Result(OnnxPairedOptions options, int batch, double cold, double? withPlan, double ortCold,
            IReadOnlyList<LoadAndFirstCall> coldRuns, IReadOnlyList<LoadAndFirstCall> withPlanRuns, IReadOnlyList<LoadAndFirstCall> ortRuns,
            PeakMemory ourMemory, PeakMemory ortMemory)
        {
            double ours = Timing.MedianMicroseconds(0), ort = Timing.MedianMicroseconds(1);
            double[] ratios = Timing.Ratios(1, 0); // ORT / NativeConv, pair by pair
            return new OnnxPairedResult(options.Name, Opset, batch, options.Threads, options.Backend, Plan, options.Pairs, options.MinMilliseconds,
                Math.Round(ours, 1), Math.Round(ort, 1), Math.Round(batch * 1e6 / ours, 1), Math.Round(batch * 1e6 / ort, 1),
                Math.Round(BlockTiming.Median(ratios), 4), Math.Round(ratios.Min(), 4), Math.Round(ratios.Max(), 4),
                ratios.Select(r => Math.Round(r, 4)).ToArray(), Timing.Microseconds(0).Select(t => Math.Round(t, 1)).ToArray(), Timing.Microseconds(1).Select(t => Math.Round(t, 1)).ToArray(),
                MultiplyAccumulates, MaxAbsDifference, OutputMaxAbs, cold, withPlan, ortCold, coldRuns, withPlanRuns, ortRuns, ourMemory, ortMemory,
                OrtEnv.Instance().GetVersionString());
        }
    }
}
