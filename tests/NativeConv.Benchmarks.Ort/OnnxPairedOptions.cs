using System.Globalization;

namespace NativeConv.Benchmarks.Ort;

/// <summary>
/// The onnx-paired command line (see <see cref="Usage"/>). A fresh child process this runner starts for one cold
/// measurement gets the parent's options plus --child load|memory, --library nativeconv|ort, one batch and the input's
/// shape (so it never loads the other library to learn it).
/// </summary>
internal sealed record OnnxPairedOptions
{
    public const string Usage =
        "usage: NativeConv.Benchmarks.Ort onnx-paired --model FILE.onnx [--name NAME] [--input X.npy] [--backend auto|onednn|xnnpack] [--threads 2]\n" +
        "           [--batches 1,16] [--pairs 15] [--min-ms 2] [--fresh-runs 3] [--memory-calls 20] [--json]\n" +
        "  --input: a (1, C, H, W) float32 .npy repeated over the batch (default: seeded U(-1, 1)); --min-ms: each side's timed block;\n" +
        "  --fresh-runs: child processes per cold measurement (median); --memory-calls: calls of the peak-memory children";

    public required string ModelPath { get; init; }
    public string Name { get; init; } = "";
    public string? InputPath { get; init; }
    public string Backend { get; init; } = NetworkOptions.Auto;
    public int Threads { get; init; } = 2;
    public int[] Batches { get; init; } = [1, 16];
    public int Pairs { get; init; } = 15;
    public double MinMilliseconds { get; init; } = 2;
    public int FreshRuns { get; init; } = 3;
    public int MemoryCalls { get; init; } = 20;
    public bool Json { get; init; }

    /// <summary>In a child: "load" (load and first call) or "memory" (peak resident memory); null in the parent.</summary>
    public string? Child { get; init; }

    /// <summary>In a child: "nativeconv" or "ort".</summary>
    public string? Library { get; init; }

    /// <summary>In a child: NativeConv's plan directory (auto only).</summary>
    public string? PlanDirectory { get; init; }

    /// <summary>In a child: the input's NCHW shape, batch included.</summary>
    public int[]? Shape { get; init; }

    public static OnnxPairedOptions Parse(string[] args)
    {
        string? model = null;
        var options = new OnnxPairedOptions { ModelPath = "" };
        for (int i = 0; i < args.Length; i++)
        {
            string Value() => ++i < args.Length ? args[i] : throw new ArgumentException($"{args[i - 1]} needs a value\n{Usage}");
            options = args[i] switch
            {
                "--model" => options with { ModelPath = model = Value() },
                "--name" => options with { Name = Value() },
                "--input" => options with { InputPath = Value() },
                "--backend" => options with { Backend = Value() },
                "--threads" => options with { Threads = Int(Value()) },
                "--batches" => options with { Batches = Value().Split(',').Select(Int).ToArray() },
                "--pairs" => options with { Pairs = Int(Value()) },
                "--min-ms" => options with { MinMilliseconds = double.Parse(Value(), CultureInfo.InvariantCulture) },
                "--fresh-runs" => options with { FreshRuns = Int(Value()) },
                "--memory-calls" => options with { MemoryCalls = Int(Value()) },
                "--json" => options with { Json = true },
                "--child" => options with { Child = Value() },
                "--library" => options with { Library = Value() },
                "--plan-dir" => options with { PlanDirectory = Value() },
                "--shape" => options with { Shape = Value().Split('x').Select(Int).ToArray() },
                _ => throw new ArgumentException($"unknown argument '{args[i]}'\n{Usage}"),
            };
        }
        if (model is null) throw new ArgumentException($"--model is required\n{Usage}");
        if (options.Threads < 1 || options.Pairs < 15 || options.MinMilliseconds <= 0 || options.FreshRuns < 1 || options.MemoryCalls < 1 || options.Batches.Any(b => b < 1))
            throw new ArgumentException("--threads, --fresh-runs, --memory-calls and every batch must be >= 1, --pairs >= 15, --min-ms > 0");
        if (options.Child is not (null or "load" or "memory") || options.Library is not (null or "nativeconv" or "ort"))
            throw new ArgumentException("--child is load or memory, --library nativeconv or ort");
        if (options.Child is not null && (options.Library is null || options.Shape is not { Length: 4 }))
            throw new ArgumentException("a child needs --library and --shape NxCxHxW");
        return options with { Name = options.Name.Length > 0 ? options.Name : Path.GetFileNameWithoutExtension(model) };
    }

    /// <summary>A child's arguments: one measurement of one library at <paramref name="shape"/>.</summary>
    public string[] ChildArguments(string child, string library, int[] shape, string? planDirectory)
    {
        var args = new List<string> { "onnx-paired", "--model", ModelPath, "--backend", Backend, "--threads", Int(Threads), "--memory-calls", Int(MemoryCalls),
            "--child", child, "--library", library, "--shape", string.Join("x", shape) };
        if (InputPath is not null) args.AddRange(["--input", InputPath]);
        if (planDirectory is not null) args.AddRange(["--plan-dir", planDirectory]);
        return [.. args];
    }

    private static int Int(string text) => int.Parse(text, CultureInfo.InvariantCulture);

    private static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);
}
