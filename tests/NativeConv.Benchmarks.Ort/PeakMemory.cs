namespace NativeConv.Benchmarks.Ort;

/// <summary>
/// One fresh process's peak resident memory with one library: the model loaded and run --memory-calls times, then the
/// kernel's high-water mark (VmHWM in /proc/self/status), beside the resident memory before the load (the .NET runtime
/// and this runner, the same for both libraries). NativeConv as a first-time user runs it: no plan file, so auto plans in
/// its first call.
/// </summary>
internal sealed record PeakMemory(string Library, int Calls, long RssBeforeLoadKb, long PeakRssKb)
{
    /// <summary>In the child: <see cref="OnnxPairedOptions.Library"/> on <see cref="OnnxPairedOptions.Shape"/>.</summary>
    public static PeakMemory Measure(OnnxPairedOptions options)
    {
        int[] shape = options.Shape!;
        using AlignedFloatBuffer input = OnnxPairedInput.Create(options.InputPath, shape);
        long before = StatusKb("VmRSS");
        if (options.Library == "ort")
        {
            using var session = new BoundSession(options.ModelPath, options.Threads, input, shape.Select(d => (long)d).ToArray());
            for (int i = 0; i < options.MemoryCalls; i++) session.Run();
            return new PeakMemory("ort", options.MemoryCalls, before, StatusKb("VmHWM"));
        }
        using var model = new NativeConvOnnxPeer(options, options.PlanDirectory);
        for (int i = 0; i < options.MemoryCalls; i++) model.Run(input, shape);
        return new PeakMemory("nativeconv", options.MemoryCalls, before, StatusKb("VmHWM"));
    }

    /// <summary>A "Name:   1234 kB" line of /proc/self/status, in kB.</summary>
    private static long StatusKb(string field)
    {
        string line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith(field + ":", StringComparison.Ordinal))
            ?? throw new PlatformNotSupportedException($"no {field} in /proc/self/status: peak memory is measured on Linux");
        return long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
    }
}
