using System.Diagnostics;

namespace NativeConv.Benchmarks.Ort;

/// <summary>Median, fastest and slowest µs per call over the repeats; each repeat averages its calls.</summary>
internal sealed record CallTiming(double MedianMicroseconds, double MinMicroseconds, double MaxMicroseconds)
{
    public const int Repeats = 7;

    /// <summary>Warm-up long enough for the first-run allocations and the thread pool to settle.</summary>
    private const double WarmUpMilliseconds = 20;
    private const int WarmUpCalls = 10;

    /// <summary>Warms up, then runs <see cref="Repeats"/> batches of calls, each lasting at least minMilliseconds.</summary>
    public static CallTiming Measure(Action call, double minMilliseconds)
    {
        var warmUp = Stopwatch.StartNew();
        for (int i = 0; i < WarmUpCalls || warmUp.Elapsed.TotalMilliseconds < WarmUpMilliseconds; i++) call();

        var perCall = new double[Repeats];
        for (int r = 0; r < Repeats; r++)
        {
            int calls = 0;
            var batch = Stopwatch.StartNew();
            do { call(); calls++; } while (batch.Elapsed.TotalMilliseconds < minMilliseconds);
            perCall[r] = batch.Elapsed.TotalMicroseconds / calls;
        }
        Array.Sort(perCall);
        return new CallTiming(perCall[Repeats / 2], perCall[0], perCall[^1]);
    }
}
