using System.Globalization;

namespace NativeConv.Benchmarks.Ort;

/// <summary>
/// The onnx-paired command line (see <see cref="Usage"/>). A fresh child process this runner starts for one cold
/// measurement gets the parent's options plus --child load|memory, --library nativeconv|ort, one batch and the input's
/// shape (so it never loads the other library to learn it).
/// </summary>
internal sealed record OnnxPairedOptions : ModelRunOptions
{
    public const string Usage =
        "usage: NativeConv.Benchmarks.Ort onnx-paired --model FILE.onnx [--name NAME] [--input X.npy] [--backend auto|onednn|xnnpack] [--threads 2]\n" +
        "           [--batches 1,16] [--pairs 15] [--min-ms 2] [--fresh-runs 3] [--memory-calls 20] [--json]\n" +
        "  --input: a (1, C, H, W) float32 .npy repeated over the batch (default: seeded U(-1, 1)); --min-ms: each side's timed block;\n" +
        "  --fresh-runs: child processes per cold measurement (median); --memory-calls: calls of the peak-memory children";

    public int Threads { get; init; } = 2;
    public int[] Batches { get; init; } = [1, 16];
    public int Pairs { get; init; } = 15;
    public double MinMilliseconds { get; init; } = 2;
    public int FreshRuns { get; init; } = 3;

    /// <summary>In a child: NativeConv's plan directory (auto only).</summary>
    public string? PlanDirectory { get; init; }

    public static OnnxPairedOptions Parse(string[] args)
    {
        OnnxPairedOptions options = Parse(args, new OnnxPairedOptions { ModelPath = "" }, Usage, ["load", "memory"], (o, flag, value) => flag switch
        {
            "--threads" => o with { Threads = Int(value()) },
            "--batches" => o with { Batches = value().Split(',').Select(Int).ToArray() },
            "--pairs" => o with { Pairs = Int(value()) },
            "--min-ms" => o with { MinMilliseconds = double.Parse(value(), CultureInfo.InvariantCulture) },
            "--fresh-runs" => o with { FreshRuns = Int(value()) },
            "--plan-dir" => o with { PlanDirectory = value() },
            _ => null,
        });
        if (options.Threads < 1 || options.Pairs < 15 || options.MinMilliseconds <= 0 || options.FreshRuns < 1 || options.Batches.Any(b => b < 1))
            throw new ArgumentException("--threads, --fresh-runs, --memory-calls and every batch must be >= 1, --pairs >= 15, --min-ms > 0");
        return options;
    }

    /// <summary>A child's arguments: one measurement of one library at <paramref name="shape"/>.</summary>
    public string[] ChildArguments(string child, string library, int[] shape, string? planDirectory)
    {
        List<string> args = SharedChildArguments("onnx-paired", child, library, shape);
        args.AddRange(["--threads", Int(Threads)]);
        if (planDirectory is not null) args.AddRange(["--plan-dir", planDirectory]);
        return [.. args];
    }
}
