using Microsoft.ML.OnnxRuntime;
using NativeConv.Cli;
using NativeConv.Testing;

namespace NativeConv.Benchmarks.Ort;

/// <summary>
/// concurrent: throughput of 1, 2, 4, ... callers at once, one thread each, on one NativeConv network and on one ONNX
/// Runtime session (<see cref="ConcurrentPeers"/>), from one .onnx file at batch 1, timed in this process: per round, for
/// each caller count, a block of each library in turn (which goes first alternates by round), images/s from the calls
/// every caller finished in the block; medians over rounds and the ratio ORT / NativeConv round by round, so the machine's
/// drift cancels. Then, in a fresh process per library, the resident memory each further caller adds (<see cref="CallerMemory"/>).
/// </summary>
internal static class Concurrent
{
    public static int Run(string[] args) => ModelRunOptions.Run(args, ConcurrentOptions.Parse, Run);

    private static int Run(ConcurrentOptions options)
    {
        if (options.Child == "memory")
        {
            Console.WriteLine(FreshProcess.ToJson(CallerMemory.Measure(options)));
            return 0;
        }
        ConcurrentResult result = Measure(options);
        Console.WriteLine(options.Json ? FreshProcess.ToJson(result) : result.ToString());
        return 0;
    }

    private static ConcurrentResult Measure(ConcurrentOptions options)
    {
        int[] shape;
        string plan;
        var ours = new Dictionary<int, List<double>>();
        var ort = new Dictionary<int, List<double>>();
        using (var peers = new ConcurrentPeers(options, library: null))
        {
            shape = peers.InputShape();
            int most = options.Callers.Max();
            Action[] ourCallers = Enumerable.Range(0, most).Select(_ => peers.NativeConvCaller(shape)).ToArray();
            Action[] ortCallers = Enumerable.Range(0, most).Select(_ => peers.OrtCaller(shape)).ToArray();
            ourCallers[0](); // auto plans the shape on its first call, alone
            plan = peers.Network!.PlanFor(shape[0], shape[2], shape[3])!.Chosen.ToString();
            ConcurrentCallers.Calls(ourCallers, 3); // every caller's context made, every library warm
            ConcurrentCallers.Calls(ortCallers, 3);
            foreach (int n in options.Callers) (ours[n], ort[n]) = ([], []);
            for (int round = 0; round < options.Rounds; round++)
                foreach (int n in options.Callers)
                {
                    double Images(Action[] callers) => shape[0] * ConcurrentCallers.CallsPerSecond(callers[..n], options.BlockMilliseconds);
                    if (round % 2 == 0)
                    {
                        ours[n].Add(Images(ourCallers));
                        ort[n].Add(Images(ortCallers));
                    }
                    else
                    {
                        ort[n].Add(Images(ortCallers));
                        ours[n].Add(Images(ourCallers));
                    }
                }
        }
        // Fresh processes, after this one's libraries are gone: neither library's memory is counted in the other's.
        CallerMemory ourMemory = FreshProcess.Run<CallerMemory>(options.ChildArguments("nativeconv", shape));
        CallerMemory ortMemory = FreshProcess.Run<CallerMemory>(options.ChildArguments("ort", shape));
        var rows = options.Callers.Select(n =>
        {
            double[] ratios = ort[n].Zip(ours[n], (o, c) => o / c).ToArray();
            return new ConcurrentRow(n, Math.Round(BlockTiming.Median(ours[n]), 1), Math.Round(BlockTiming.Median(ort[n]), 1),
                Math.Round(BlockTiming.Median(ratios), 3), ours[n].Select(v => Math.Round(v, 1)).ToArray(), ort[n].Select(v => Math.Round(v, 1)).ToArray());
        }).ToArray();
        return new ConcurrentResult(options.Name, string.Join("x", shape), options.Backend, plan, options.Rounds, options.BlockMilliseconds, rows,
            ourMemory, ortMemory, new FileInfo(options.ModelPath).Length / 1024, OrtEnv.Instance().GetVersionString());
    }
}

/// <summary>One caller count: each library's median images/s over the rounds, the median of ORT / NativeConv round by round, and every round's images/s.</summary>
internal sealed record ConcurrentRow(int Callers, double NativeconvImagesPerS, double OrtImagesPerS, double RatioOrtOverNativeconv,
    double[] NativeconvByRound, double[] OrtByRound);

/// <summary>concurrent's result: the throughput table and each library's resident memory per caller count.</summary>
internal sealed record ConcurrentResult(string Model, string Shape, string Backend, string Plan, int Rounds, double BlockMs, ConcurrentRow[] Rows,
    CallerMemory NativeconvMemory, CallerMemory OrtMemory, long ModelFileKb, string OrtVersion)
{
    public override string ToString()
    {
        var text = new System.Text.StringBuilder();
        text.AppendLine(System.FormattableString.Invariant(
            $"{Model} {Shape}, one thread per caller, {Rounds} rounds of {BlockMs} ms blocks; NativeConv {Backend} ({Plan}), ONNX Runtime {OrtVersion}"));
        text.AppendLine("callers  NativeConv images/s  ORT images/s  ORT / NativeConv");
        foreach (ConcurrentRow row in Rows)
            text.AppendLine(System.FormattableString.Invariant($"{row.Callers,7}  {row.NativeconvImagesPerS,19:F1}  {row.OrtImagesPerS,12:F1}  {row.RatioOrtOverNativeconv,16:F3}"));
        text.AppendLine(NativeconvMemory.ToString());
        text.Append(OrtMemory.ToString());
        text.Append(System.FormattableString.Invariant($"\n(the .onnx file, weights included: {ModelFileKb / 1024.0:F1} MiB)"));
        return text.ToString();
    }
}
