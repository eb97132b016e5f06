using System.Diagnostics;

namespace NativeConv.Benchmarks.Ort;

/// <summary>
/// Two programs timed in one process in alternating blocks: block after block, each a few untimed calls (so the
/// other program's idle threads have stopped spinning and its data left the caches before the clock starts) and
/// then calls for at least the block's length; the order swaps every pair. The ratio is taken pair by pair: the
/// VM's speed drifts by up to 2x over seconds here, and two blocks a fraction of a second apart see the same speed.
/// </summary>
internal sealed record PairedTiming(double[] FirstMicroseconds, double[] SecondMicroseconds)
{
    private const int UntimedCallsPerBlock = 3;

    /// <summary>A pause before each block: the other program's idle threads (ORT's and libgomp's both spin before they sleep) are asleep after it.</summary>
    private const int SettleMilliseconds = 30;

    /// <summary>Warms both, then <paramref name="pairs"/> pairs of blocks of at least <paramref name="blockMilliseconds"/> each.</summary>
    public static PairedTiming Measure(Action first, Action second, int pairs, double blockMilliseconds)
    {
        var warmUp = Stopwatch.StartNew();
        while (warmUp.Elapsed.TotalMilliseconds < 200) { first(); second(); }
        var a = new double[pairs];
        var b = new double[pairs];
        for (int p = 0; p < pairs; p++)
        {
            if (p % 2 == 0)
            {
                a[p] = Block(first, blockMilliseconds);
                b[p] = Block(second, blockMilliseconds);
            }
            else
            {
                b[p] = Block(second, blockMilliseconds);
                a[p] = Block(first, blockMilliseconds);
            }
        }
        return new PairedTiming(a, b);
    }

    /// <summary>Mean µs per call over one block's timed calls.</summary>
    private static double Block(Action call, double milliseconds)
    {
        Thread.Sleep(SettleMilliseconds);
        for (int i = 0; i < UntimedCallsPerBlock; i++) call();
        int calls = 0;
        var clock = Stopwatch.StartNew();
        do { call(); calls++; } while (clock.Elapsed.TotalMilliseconds < milliseconds);
        return clock.Elapsed.TotalMicroseconds / calls;
    }

    /// <summary>Each pair's first / second.</summary>
    public double[] Ratios => FirstMicroseconds.Zip(SecondMicroseconds, (x, y) => x / y).ToArray();

    public static double Median(IEnumerable<double> values)
    {
        double[] sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
