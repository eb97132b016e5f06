using System.Globalization;

namespace NativeConv.Benchmarks.Ort;

/// <summary>The concurrent command line (see <see cref="Usage"/>); a memory child gets the parent's options plus --child memory, --library and the input's shape.</summary>
internal sealed record ConcurrentOptions : ModelRunOptions
{
    public const string Usage =
        "usage: NativeConv.Benchmarks.Ort concurrent --model FILE.onnx [--name NAME] [--input X.npy] [--backend auto|onednn|xnnpack]\n" +
        "           [--callers 1,2,4] [--rounds 7] [--block-ms 1000] [--memory-calls 20] [--json]\n" +
        "  one NativeConv network (Threads = 1, MaxConcurrentCalls = the most callers) and one ONNX Runtime session (IntraOpNumThreads = 1),\n" +
        "  N threads calling each at once, in alternating blocks of --block-ms per round; then, in fresh processes, resident memory after\n" +
        "  --memory-calls calls by 1, 2, ... callers at once";

    public int[] Callers { get; init; } = [1, 2, 4];
    public int Rounds { get; init; } = 7;
    public double BlockMilliseconds { get; init; } = 1000;

    public static ConcurrentOptions Parse(string[] args)
    {
        ConcurrentOptions options = Parse(args, new ConcurrentOptions { ModelPath = "" }, Usage, ["memory"], (o, flag, value) => flag switch
        {
            "--callers" => o with { Callers = value().Split(',').Select(Int).ToArray() },
            "--rounds" => o with { Rounds = Int(value()) },
            "--block-ms" => o with { BlockMilliseconds = double.Parse(value(), CultureInfo.InvariantCulture) },
            _ => null,
        });
        if (options.Callers.Length == 0 || options.Callers.Any(c => c < 1) || options.Rounds < 1 || options.BlockMilliseconds <= 0)
            throw new ArgumentException($"--callers and --rounds must be >= 1, --block-ms > 0\n{Usage}");
        return options with { Callers = [.. options.Callers.Distinct().Order()] };
    }

    /// <summary>A memory child's arguments for <paramref name="library"/> at <paramref name="shape"/>.</summary>
    public string[] ChildArguments(string library, int[] shape)
    {
        List<string> args = SharedChildArguments("concurrent", "memory", library, shape);
        args.AddRange(["--callers", string.Join(",", Callers.Select(Int))]);
        return [.. args];
    }
}
