using System.Globalization;
using NativeConv.Testing;

namespace NativeConv.Benchmarks.Ort;

/// <summary>
/// One fresh process's resident memory with one library as callers are added: for each caller count N in turn, N callers
/// make --memory-calls calls at once on the one network or session, then the anonymous resident memory is read
/// (<see cref="ResidentMemory.Bytes"/>: after a full collection and malloc_trim, so what is kept, not what is free);
/// the memory per further caller is (RSS(N) - RSS(first N)) / (N - first N). For NativeConv, the contexts its network made
/// and the activation buffers one holds, beside which the per-caller memory says whether a caller copies more than its
/// activations (a copy of the weights would add about the .onnx file's size).
/// </summary>
internal sealed record CallerMemory(string Library, int Calls, int[] Callers, long[] RssKb, double[] KbPerExtraCaller, int? Contexts, long? ActivationKbPerContext)
{
    public static CallerMemory Measure(ConcurrentOptions options)
    {
        int[] shape = options.Shape!;
        using var peers = new ConcurrentPeers(options, options.Library);
        int most = options.Callers.Max();
        Action[] callers = Enumerable.Range(0, most).Select(_ => options.Library == "ort" ? peers.OrtCaller(shape) : peers.NativeConvCaller(shape)).ToArray();
        var rss = new long[options.Callers.Length];
        for (int k = 0; k < options.Callers.Length; k++)
        {
            ConcurrentCallers.Calls(callers[..options.Callers[k]], options.MemoryCalls);
            rss[k] = ResidentMemory.Bytes() / 1024;
        }
        double[] perExtra = options.Callers.Skip(1).Select((n, k) => Math.Round((double)(rss[k + 1] - rss[0]) / (n - options.Callers[0]), 1)).ToArray();
        ConvNetwork? network = peers.Network;
        return new CallerMemory(options.Library!, options.MemoryCalls, options.Callers, rss, perExtra,
            network?.ContextCounts.Single(), network?.ContextActivationBytes.Single() / 1024);
    }

    public override string ToString()
    {
        string contexts = Contexts is { } c ? string.Create(CultureInfo.InvariantCulture, $" ({c} contexts, activation buffers {ActivationKbPerContext / 1024.0:F2} MiB each)") : "";
        return string.Create(CultureInfo.InvariantCulture,
            $"{Library}: anonymous RSS after {Calls} calls by {string.Join(", ", Callers)} callers {string.Join(", ", RssKb.Select(r => (r / 1024.0).ToString("F1", CultureInfo.InvariantCulture)))} MiB; " +
            $"per further caller {string.Join(", ", KbPerExtraCaller.Select(k => (k / 1024.0).ToString("F2", CultureInfo.InvariantCulture)))} MiB{contexts}");
    }
}
