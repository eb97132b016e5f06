using System.Diagnostics;

namespace NativeConv.Benchmarks;

/// <summary>
/// What decides <see cref="XnnpackActivations.OnXnnpack"/> and <see cref="OneDnnActivations.OnOneDnn"/>: every activation
/// over MobileNet-sized tensors by the managed pass (one thread), XNNPACK's operators and oneDNN's eltwise primitives
/// (2 threads each), interleaved round by round in one process so a change in the machine's load hits all three alike.
/// Reports each mechanism's tenth percentile and median per size, in microseconds: on a loaded machine a 2-thread call
/// waits whenever one of its threads is descheduled, so the median measures the load, and the low percentile (rounds
/// that ran with both threads scheduled) what the mechanism costs.
/// <code>dotnet run -c Release -- --activations [rounds]</code>
/// </summary>
internal static unsafe class ActivationTimings
{
    /// <summary>
    /// (H·W·C) of MobileNet v2/v3 activations: an early wide map, a middle one, a late one, a squeeze gate; and the sizes
    /// between the last two, where a library call's fixed cost meets the managed pass's per-element one.
    /// </summary>
    private static readonly (string Name, int Length)[] Sizes =
    [
        ("112x112x32", 112 * 112 * 32), ("28x28x144", 28 * 28 * 144), ("14x14x384", 14 * 14 * 384), ("7x7x960", 7 * 7 * 960),
        ("16384", 16384), ("8192", 8192), ("4096", 4096), ("2048", 2048), ("1024", 1024), ("1x1x576", 576),
    ];

    private static readonly Activation[] Kinds =
        [Activation.ReLU, Activation.ReLU6, Activation.Clamp(-1, 1), Activation.HardSwish, Activation.HardSigmoid, Activation.Sigmoid, Activation.SiLU, Activation.GELU, Activation.Tanh];

    public static void Run(string[] args)
    {
        int rounds = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 301;
        using var onednn = new OneDnnBackend(threads: 2);
        using var xnnpack = new XnnpackBackend(threads: 2);
        Console.WriteLine($"load {File.ReadAllText("/proc/loadavg").Trim()}; oneDNN ISA {OneDnnBackend.CpuIsa}; {rounds} rounds; 10th percentile / median µs");
        Console.WriteLine($"{"activation",-14}{"size",-12}{"managed",18}{"xnnpack",18}{"onednn",18}");
        foreach (Activation activation in Kinds)
            foreach (var (name, length) in Sizes)
            {
                using var x = new NativeFloatBuffer(length);
                using var y = new NativeFloatBuffer(length);
                var random = new Random(length);
                for (int i = 0; i < length; i++) x.Pointer[i] = (float)(random.NextDouble() * 8 - 4);
                using var xnn = activation.Kind == ActivationKind.HardSigmoid ? null : new XnnpackActivationPass(activation, length, xnnpack.Pool!.Value);
                using var dnnl = new OneDnnEltwisePass(onednn.Engine, onednn.Threads, activation, length);
                var runs = new List<Action> { () => ManagedActivation.Apply(activation, x.Pointer, y.Pointer, length), () => dnnl.Run(x.Pointer, y.Pointer) };
                if (xnn is not null) runs.Insert(1, () => xnn.Run(x.Pointer, y.Pointer));
                double[][] times = Interleaved(runs, rounds);
                string Cell(int k) => k < times.Length ? Format(times[k]) : "";
                Console.WriteLine($"{activation,-14}{name,-12}{Cell(0),18}{(xnn is null ? "(none)" : Cell(1)),18}{Cell(xnn is null ? 1 : 2),18}");
            }
        Console.WriteLine($"load {File.ReadAllText("/proc/loadavg").Trim()}");
    }

    /// <summary>Each run's time per round (µs), the runs alternating within every round after a warm-up; a round repeats each run enough to last ~0.2 ms.</summary>
    private static double[][] Interleaved(List<Action> runs, int rounds)
    {
        var repeats = new int[runs.Count];
        for (int k = 0; k < runs.Count; k++)
        {
            runs[k]();
            long start = Stopwatch.GetTimestamp();
            runs[k]();
            double once = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
            repeats[k] = Math.Clamp((int)(200 / Math.Max(once, 0.01)), 1, 10000);
        }
        var times = runs.Select(_ => new double[rounds]).ToArray();
        for (int r = 0; r < rounds; r++)
            for (int k = 0; k < runs.Count; k++)
            {
                long start = Stopwatch.GetTimestamp();
                for (int i = 0; i < repeats[k]; i++) runs[k]();
                times[k][r] = Stopwatch.GetElapsedTime(start).TotalMicroseconds / repeats[k];
            }
        return times;
    }

    private static string Format(double[] t)
    {
        double[] sorted = t.Order().ToArray();
        return $"{sorted[sorted.Length / 10],7:F1} /{sorted[sorted.Length / 2],8:F1}";
    }
}
