using System.Diagnostics;

namespace NativeConv.Benchmarks.Ort;

/// <summary>
/// One fresh process's cold start of one library on the model: the load (NativeConv: <c>OnnxModel.Load</c>, its backends
/// made; ONNX Runtime: the InferenceSession made and bound) and the first call (NativeConv's auto plans the shape then, or
/// follows the plan file its plan directory holds). Native libraries are loaded inside the clock: that is a user's cold start.
/// </summary>
internal sealed record LoadAndFirstCall(string Library, double LoadMs, double FirstCallMs, bool PlanFollowed)
{
    public double TotalMs => Math.Round(LoadMs + FirstCallMs, 1);

    /// <summary>In the child: <see cref="OnnxPairedOptions.Library"/> on <see cref="OnnxPairedOptions.Shape"/>.</summary>
    public static LoadAndFirstCall Measure(OnnxPairedOptions options)
    {
        using AlignedFloatBuffer input = OnnxPairedInput.Create(options.InputPath, options.Shape!);
        return options.Library == "ort" ? OnnxRuntime(options, input) : NativeConv(options, input);
    }

    private static LoadAndFirstCall OnnxRuntime(OnnxPairedOptions options, AlignedFloatBuffer input)
    {
        var clock = Stopwatch.StartNew();
        using var session = new BoundSession(options.ModelPath, options.Threads, input, options.Shape!.Select(d => (long)d).ToArray());
        double load = clock.Elapsed.TotalMilliseconds;
        session.Run();
        return new LoadAndFirstCall("ort", Math.Round(load, 1), Math.Round(clock.Elapsed.TotalMilliseconds - load, 1), PlanFollowed: false);
    }

    private static LoadAndFirstCall NativeConv(OnnxPairedOptions options, AlignedFloatBuffer input)
    {
        string[] before = PlanFiles(options.PlanDirectory);
        var clock = Stopwatch.StartNew();
        using var model = new NativeConvOnnxPeer(options, options.PlanDirectory);
        double load = clock.Elapsed.TotalMilliseconds;
        model.Run(input, options.Shape!);
        double firstCall = clock.Elapsed.TotalMilliseconds - load;
        if (model.PlanFileProblem is { } problem) throw new InvalidOperationException(problem);
        // Followed: a plan file was there and none was written (a shape measured would have saved a new one).
        bool followed = before.Length > 0 && before.SequenceEqual(PlanFiles(options.PlanDirectory));
        return new LoadAndFirstCall("nativeconv", Math.Round(load, 1), Math.Round(firstCall, 1), followed);
    }

    /// <summary>The plan directory's files with their times of writing, in order.</summary>
    private static string[] PlanFiles(string? directory) => directory is null || !Directory.Exists(directory) ? []
        : Directory.EnumerateFiles(directory).Order(StringComparer.Ordinal).Select(f => $"{f} {File.GetLastWriteTimeUtc(f):O}").ToArray();
}
