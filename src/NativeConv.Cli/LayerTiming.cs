using System.Diagnostics;

namespace NativeConv.Cli;

/// <summary>Median time of one Forward call, from batches of calls after a warm-up (first-shape setup excluded).</summary>
internal static class LayerTiming
{
    public static double MedianMicroseconds(Action call, double minMilliseconds)
    {
        for (int i = 0; i < 3; i++) call();
        var probe = Stopwatch.StartNew();
        call();
        double once = Math.Max(probe.Elapsed.TotalMicroseconds, 1);
        int perBatch = Math.Max(1, (int)(2000 / once)); // batches of about 2 ms
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
