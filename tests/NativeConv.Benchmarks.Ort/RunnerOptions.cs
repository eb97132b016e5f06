using System.Globalization;

namespace NativeConv.Benchmarks.Ort;

/// <summary>The command line: --model FILE.onnx --threads N [--min-ms M] [--json] [--save-optimized FILE.onnx].</summary>
internal sealed record RunnerOptions(string ModelPath, int Threads, double MinMilliseconds, bool Json, string? SaveOptimizedPath)
{
    public const string Usage =
        "usage: NativeConv.Benchmarks.Ort --model FILE.onnx --threads N [--min-ms M] [--json] [--save-optimized FILE.onnx]";

    public static RunnerOptions Parse(string[] args)
    {
        string? model = null, saveOptimized = null;
        int? threads = null;
        double minMs = 2000;
        bool json = false;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--model": model = ValueAfter(args, ref i); break;
                case "--threads": threads = int.Parse(ValueAfter(args, ref i), CultureInfo.InvariantCulture); break;
                case "--min-ms": minMs = double.Parse(ValueAfter(args, ref i), CultureInfo.InvariantCulture); break;
                case "--save-optimized": saveOptimized = ValueAfter(args, ref i); break;
                case "--json": json = true; break;
                default: throw new ArgumentException($"unknown argument '{args[i]}'\n{Usage}");
            }
        }
        if (model is null || threads is null) throw new ArgumentException($"--model and --threads are required\n{Usage}");
        if (threads < 1 || minMs <= 0) throw new ArgumentException("--threads must be >= 1 and --min-ms > 0");
        return new RunnerOptions(model, threads.Value, minMs, json, saveOptimized);
    }

    private static string ValueAfter(string[] args, ref int i) =>
        ++i < args.Length ? args[i] : throw new ArgumentException($"{args[i - 1]} needs a value\n{Usage}");
}
