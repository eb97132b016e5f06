using System.Diagnostics;
using System.Numerics;
using NativeConv.Interop.OneDnn;

namespace NativeConv.Benchmarks;

/// <summary>
/// Max and average pool: each library's kernel against the managed one, whatever the lowerings keep, on the shapes of
/// the networks that pool (ShuffleNet's and ResNet's stems, GoogLeNet's and Inception's branch pools, Xception's
/// strided pools). Interleaved in one process: every round times each mechanism once (its fastest of 25 calls), so a
/// change of load hits them alike; the report gives each one's median and fastest µs per call over the rounds, the
/// median of the per-round ratios library / managed, and the load before and after.
/// <code>NATIVECONV_NATIVE_DIR=... dotnet run -c Release --project tests/NativeConv.Benchmarks -- pool [ROUNDS] [THREADS]</code>
/// </summary>
internal static unsafe class PoolTimings
{
    private sealed record Case(string Name, bool Maximum, Pool2dSpec Spec, TensorShape Input);

    private static readonly Case[] Cases =
    [
        new("shufflenet stem max 3x3 s2 p1", true, new Pool2dSpec(3, 2, 1), new TensorShape(1, 24, 112, 112)),
        new("resnet stem max 3x3 s2 p1", true, new Pool2dSpec(3, 2, 1), new TensorShape(1, 64, 112, 112)),
        new("googlenet max 3x3 s2 ceil", true, new Pool2dSpec(3, 2, ceilMode: true), new TensorShape(1, 64, 112, 112)),
        new("inception-v3 max 3x3 s2", true, new Pool2dSpec(3, 2), new TensorShape(1, 192, 71, 71)),
        new("googlenet branch max 3x3 s1 p1", true, new Pool2dSpec(3, 1, 1, ceilMode: true), new TensorShape(1, 480, 14, 14)),
        new("xception max 3x3 s2 p1", true, new Pool2dSpec(3, 2, 1), new TensorShape(1, 128, 147, 147)),
        new("xception max 3x3 s2 p1 (728)", true, new Pool2dSpec(3, 2, 1), new TensorShape(1, 728, 37, 37)),
        new("inception-v3 avg 3x3 s1 p1", false, new Pool2dSpec(3, 1, 1), new TensorShape(1, 192, 35, 35)),
        new("inception-v3 avg 3x3 s1 p1 (768)", false, new Pool2dSpec(3, 1, 1), new TensorShape(1, 768, 17, 17)),
        new("inception-v3 avg 3x3 s1 p1 (8x8)", false, new Pool2dSpec(3, 1, 1), new TensorShape(1, 1280, 8, 8)),
        new("small avg 3x3 s1 p1 (64x4x4)", false, new Pool2dSpec(3, 1, 1), new TensorShape(1, 64, 4, 4)),
        new("avg 3x3 s1 p1 exclude pad", false, new Pool2dSpec(3, 1, 1, countIncludePad: false), new TensorShape(1, 192, 35, 35)),
        new("densenet transition avg 2x2 s2", false, new Pool2dSpec(2), new TensorShape(1, 128, 56, 56)),
        new("shufflenet-v1 avg 3x3 s2 p1", false, new Pool2dSpec(3, 2, 1), new TensorShape(1, 240, 56, 56)),
    ];

    public static void Run(string[] args)
    {
        int rounds = args.Length > 0 ? int.Parse(args[0]) : 15, threads = args.Length > 1 ? int.Parse(args[1]) : 2;
        using var onednn = new OneDnnBackend(threads);
        using var xnnpack = new XnnpackBackend(threads);
        Console.WriteLine($"# pool timings, {rounds} interleaved rounds, {threads} threads; load before: {Load()}");
        float** values = stackalloc float*[2];
        Console.WriteLine($"{"case",-36} {"managed µs",14} {"onednn µs",14} {"xnnpack µs",14} {"onednn/m",9} {"xnnpack/m",10}   (µs: median/fastest round)");
        foreach (Case c in Cases)
        {
            Pool2dOp op = c.Maximum ? new MaxPoolOp("pool", 0, 1, c.Spec) : new AvgPoolOp("pool", 0, 1, c.Spec);
            TensorShape output = c.Spec.Geometry(c.Input).Output;
            var shapes = new OpShapes([c.Input], [output]);
            using var x = new NativeFloatBuffer(c.Input.Length);
            using var y = new NativeFloatBuffer(output.Length);
            var r = new Random(1);
            for (int i = 0; i < c.Input.Length; i++) x.Pointer[i] = (float)r.NextDouble() * 4 - 2;
            values[0] = x.Pointer;
            values[1] = y.Pointer;
            OpKernel[] kernels =
            [
                op.LowerManaged(),
                new OneDnnPoolKernel(onednn, c.Maximum ? dnnl_alg_kind_t.dnnl_pooling_max
                    : c.Spec.CountIncludePad ? dnnl_alg_kind_t.dnnl_pooling_avg_include_padding : dnnl_alg_kind_t.dnnl_pooling_avg_exclude_padding),
                new XnnpackPoolKernel(xnnpack, c.Maximum),
            ];
            OpStep[] steps = [.. kernels.Select(k => k.Instantiate(op, shapes)), .. c.Maximum ? [new IeeeMaximumStep(op, shapes, c.Spec.Geometry(c.Input))] : Array.Empty<OpStep>()];
            var times = steps.Select(_ => new List<double>()).ToArray();
            for (int round = 0; round < rounds; round++)
                for (int k = 0; k < steps.Length; k++)
                    times[k].Add(Time(steps[k], values));
            string[] µs = times.Select(t => $"{Median(t),6:F1}/{t.Min(),-6:F1}").ToArray();
            double Ratio(int k) => Median(times[k].Select((t, i) => t / times[0][i]).ToList());
            string note = c.Maximum ? "" : c.Spec.CountIncludePad && c.Spec.IsPadded ? "  (xnnpack divides by the taps, not PyTorch's count)" : "";
            string ieee = c.Maximum ? $"   IEEE Vector.Max {µs[3]} ({Ratio(3):F2})" : "";
            Console.WriteLine($"{c.Name,-36} {µs[0],14} {µs[1],14} {µs[2],14} {Ratio(1),9:F2} {Ratio(2),10:F2}   onednn: {steps[1].Implementation}{note}{ieee}");
            foreach (OpStep step in steps) step.Dispose();
            foreach (OpKernel kernel in kernels) kernel.Dispose();
        }
        Console.WriteLine($"# load after: {Load()}");
    }

    /// <summary>
    /// The fastest of 25 calls, each timed alone (after one warm call): on a machine other work shares, a 2-thread
    /// library call waits for a core whenever one is taken, and the fastest call is the one that did not wait.
    /// </summary>
    private static double Time(OpStep step, float** values)
    {
        step.Run(values);
        double best = double.MaxValue;
        for (int call = 0; call < 25; call++)
        {
            long start = Stopwatch.GetTimestamp();
            step.Run(values);
            best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalMicroseconds);
        }
        return best;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static string Load() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    /// <summary>The managed max pool as it was first written, with IEEE 754's Vector.Max (NaN-propagating, several instructions) instead of flagged NaN lanes.</summary>
    private sealed class IeeeMaximumStep(GraphOp op, OpShapes shapes, PoolGeometry geometry) : OpStep(op, shapes)
    {
        public override string Implementation => "vectorized C# (IEEE Vector.Max)";

        public override void Run(float** values) => ManagedPool.Run(values[Inputs[0]], values[Outputs[0]], geometry, default(IeeeMaximum));
    }

    private readonly struct IeeeMaximum : IPoolReduction
    {
        public static Vector<float> Seed => new(float.NegativeInfinity);

        public static Vector<float> Join(Vector<float> sofar, Vector<float> tap) => Vector.Max(sofar, tap);

        public static float Join(float sofar, float tap) => MathF.Max(sofar, tap);

        public static bool FlagsNaN => false;

        public static Vector<float> Finish(Vector<float> joined, Vector<float> divisor) => joined;

        public float Divisor(int oy, int ox) => 1;
    }
}
