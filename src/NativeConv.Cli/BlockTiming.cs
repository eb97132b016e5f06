using System.Diagnostics;

namespace NativeConv.Cli;

/// <summary>
/// Several programs timed in one process in rotating blocks: round after round, each program runs one block (a pause so
/// the previous program's idle threads have stopped spinning, a few untimed calls so its data is back in the caches,
/// then calls for at least the block's length), and the order rotates every round so each program takes each place
/// equally often. Ratios are taken round by round: the VM's speed drifts over seconds here (docs/benchmarks.md,
/// Measured by hand: The VM's speed drift), and blocks a fraction of a second apart see the same speed. (Also compiled
/// into the ONNX Runtime runner, for its NativeConv-and-ORT pairs.)
/// </summary>
internal sealed class BlockTiming
{
    private const int UntimedCallsPerBlock = 3;

    /// <summary>A pause before each block: the other program's idle threads (ORT's and libgomp's both spin before they sleep) are asleep after it.</summary>
    private const int SettleMilliseconds = 30;

    /// <summary>Every program called in turn for this long first: native state made, the JIT's tiering done.</summary>
    private const double WarmUpMilliseconds = 200;

    private readonly double[][] _microseconds; // [program][round]

    private BlockTiming(double[][] microseconds) => _microseconds = microseconds;

    /// <summary>Warms every program, then <paramref name="rounds"/> rounds of one block each of at least <paramref name="blockMilliseconds"/>.</summary>
    public static BlockTiming Measure(IReadOnlyList<Action> programs, int rounds, double blockMilliseconds)
    {
        if (programs.Count == 0) throw new ArgumentException("no program to time", nameof(programs));
        if (rounds < 1) throw new ArgumentOutOfRangeException(nameof(rounds), rounds, "at least one round");
        var warmUp = Stopwatch.StartNew();
        while (warmUp.Elapsed.TotalMilliseconds < WarmUpMilliseconds)
            foreach (Action program in programs) program();
        double[][] times = programs.Select(_ => new double[rounds]).ToArray();
        for (int round = 0; round < rounds; round++)
            for (int place = 0; place < programs.Count; place++)
            {
                int p = (round + place) % programs.Count; // round r starts with program r: each place taken equally often
                times[p][round] = Block(programs[p], blockMilliseconds);
            }
        return new BlockTiming(times);
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

    /// <summary>Program <paramref name="program"/>'s µs per call, round by round.</summary>
    public IReadOnlyList<double> Microseconds(int program) => _microseconds[program];

    /// <summary>Program <paramref name="program"/>'s median µs per call over the rounds.</summary>
    public double MedianMicroseconds(int program) => Median(_microseconds[program]);

    /// <summary>Round by round, program <paramref name="first"/>'s time over program <paramref name="second"/>'s.</summary>
    public double[] Ratios(int first, int second) => _microseconds[first].Zip(_microseconds[second], (x, y) => x / y).ToArray();

    public static double Median(IEnumerable<double> values)
    {
        double[] sorted = values.Order().ToArray();
        if (sorted.Length == 0) throw new ArgumentException("no values", nameof(values));
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
