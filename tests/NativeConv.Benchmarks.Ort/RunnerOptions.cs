using System.Globalization;

namespace NativeConv.Benchmarks.Ort;

/// <summary>
/// The command line: --model FILE.onnx --threads N [--min-ms M] [--json] [--save-optimized FILE.onnx] [--paired [--pairs P]].
/// --paired: NativeConv's network of the same name, layout and batch (the model's metadata, as export_onnx.py writes it)
/// timed in this process against the model, in P pairs of alternating blocks of M ms.
/// </summary>
internal sealed record RunnerOptions(string ModelPath, int Threads, double MinMilliseconds, bool Json, string? SaveOptimizedPath, bool Paired = false, int Pairs = 15)
{
    public const string Usage =
        "usage: NativeConv.Benchmarks.Ort --model FILE.onnx --threads N [--min-ms M] [--json] [--save-optimized FILE.onnx] [--paired [--pairs P]]";

    public static RunnerOptions Parse(string[] args)
    {
        string? model = null, saveOptimized = null;
        int? threads = null;
        double minMs = 2000;
        bool json = false, paired = false;
        int pairs = 15;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--model": model = ValueAfter(args, ref i); break;
                case "--threads": threads = int.Parse(ValueAfter(args, ref i), CultureInfo.InvariantCulture); break;
                case "--min-ms": minMs = double.Parse(ValueAfter(args, ref i), CultureInfo.InvariantCulture); break;
                case "--save-optimized": saveOptimized = ValueAfter(args, ref i); break;
                case "--json": json = true; break;
                case "--paired": paired = true; break;
                case "--pairs": pairs = int.Parse(ValueAfter(args, ref i), CultureInfo.InvariantCulture); break;
                default: throw new ArgumentException($"unknown argument '{args[i]}'\n{Usage}");
            }
        }
        if (model is null || threads is null) throw new ArgumentException($"--model and --threads are required\n{Usage}");
        if (threads < 1 || minMs <= 0 || pairs < 1) throw new ArgumentException("--threads and --pairs must be >= 1 and --min-ms > 0");
        return new RunnerOptions(model, threads.Value, minMs, json, saveOptimized, paired, pairs);
    }

    private static string ValueAfter(string[] args, ref int i) =>
        ++i < args.Length ? args[i] : throw new ArgumentException($"{args[i - 1]} needs a value\n{Usage}");
}
