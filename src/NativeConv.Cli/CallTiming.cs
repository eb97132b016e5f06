using System.Diagnostics;
using System.Runtime;

namespace NativeConv.Cli;

/// <summary>Median time of one call, from batches of calls after a warm-up (first-shape setup excluded).</summary>
internal static class CallTiming
{
    /// <summary>
    /// Long enough for the previous backend's idle workers to stop spinning (pthreadpool spins a million
    /// iterations, libgomp up to its spin count, before sleeping): on 2 cores a spinning worker of the
    /// other library steals the core this backend's worker needs, and one call can take milliseconds.
    /// </summary>
    private const double WarmUpMilliseconds = 20;

    /// <summary>
    /// The warm-up also lasts until the JIT has been quiet this long (no method compiled). The tiered JIT
    /// recompiles the hot managed code between native calls in the background during the first few hundred
    /// milliseconds of calls (after its 100 ms call-counting delay); on 2 cores that thread takes a core the
    /// library's workers need, and until then the code runs unoptimized: calls timed in that stretch are slower
    /// than the steady state (docs/benchmarks.md, Measured by hand: JIT tiering in the first calls).
    /// </summary>
    private const double JitQuietMilliseconds = 250;

    /// <summary>A bound on the warm-up, should something keep compiling.</summary>
    private const double MaxWarmUpMilliseconds = 5000;

    public static double MedianMicroseconds(Action call, double minMilliseconds)
    {
        double fastest = double.MaxValue;
        var warmUp = Stopwatch.StartNew();
        var jitQuiet = Stopwatch.StartNew();
        long compiled = JitInfo.GetCompiledMethodCount();
        for (int i = 0; i < 3 || warmUp.Elapsed.TotalMilliseconds < WarmUpMilliseconds
             || (jitQuiet.Elapsed.TotalMilliseconds < JitQuietMilliseconds && warmUp.Elapsed.TotalMilliseconds < MaxWarmUpMilliseconds); i++)
        {
            long start = Stopwatch.GetTimestamp();
            call();
            fastest = Math.Min(fastest, Stopwatch.GetElapsedTime(start).TotalMicroseconds);
            if (JitInfo.GetCompiledMethodCount() is var now && now != compiled)
            {
                compiled = now;
                jitQuiet.Restart();
            }
        }
        int perBatch = Math.Max(1, (int)(2000 / Math.Max(fastest, 1))); // batches of about 2 ms
        var samples = new List<double>();
        var total = Stopwatch.StartNew();
        while (samples.Count < 5 || (total.Elapsed.TotalMilliseconds < minMilliseconds && samples.Count < 1000))
        {
            var batch = Stopwatch.StartNew();
            for (int i = 0; i < perBatch; i++) call();
            samples.Add(batch.Elapsed.TotalMicroseconds / perBatch);
        }
        samples.Sort();
        return samples[samples.Count / 2];
    }
}
