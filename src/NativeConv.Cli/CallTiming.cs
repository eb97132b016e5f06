using System.Diagnostics;

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

    public static double MedianMicroseconds(Action call, double minMilliseconds)
    {
        double fastest = double.MaxValue;
        var warmUp = Stopwatch.StartNew();
        for (int i = 0; i < 3 || warmUp.Elapsed.TotalMilliseconds < WarmUpMilliseconds; i++)
        {
            long start = Stopwatch.GetTimestamp();
            call();
            fastest = Math.Min(fastest, Stopwatch.GetElapsedTime(start).TotalMicroseconds);
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
