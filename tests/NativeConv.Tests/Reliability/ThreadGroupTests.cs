using System.Diagnostics;
using Xunit;
using Xunit.Abstractions;

namespace NativeConv.Tests;

/// <summary>
/// What the README promises about threads: layers on backends of their own (registered under two names,
/// one thread each: XNNPACK then runs on the caller's thread, oneDNN with an OpenMP team of one) progress
/// concurrently. Shown by intervals, not by a speed assertion: while one thread runs a long layer, the
/// other completes whole calls of its own layer inside one of those long calls.
/// </summary>
[Collection(RunsAloneCollection.Name)]
public class ThreadGroupTests(ITestOutputHelper log)
{
    [SkippableTheory]
    [InlineData("onednn")]
    [InlineData("xnnpack")]
    public void Layers_on_backends_of_their_own_progress_concurrently(string library)
    {
        TestBackends.GetOrSkip(library);
        var builder = new NativeConvBuilder();
        if (library == OneDnnBackend.BackendName) builder.AddOneDnn("group-a", threads: 1).AddOneDnn("group-b", threads: 1);
        else builder.AddXnnpack("group-a", threads: 1).AddXnnpack("group-b", threads: 1);
        using ConvBackends backends = builder.Build();

        var r = new Random(4);
        float[] Rand(int n) => Enumerable.Range(0, n).Select(_ => (float)r.NextDouble() - 0.5f).ToArray();
        using var longLayer = new PointwiseConv2d(256, 256, Rand(256 * 256), [], backends.Get("group-a"), layout: TensorLayout.Nhwc);
        using var shortLayer = new DepthwiseConv2d(8, 3, Rand(72), [], backends.Get("group-b"), padding: 1, layout: TensorLayout.Nhwc);
        float[] longIn = Rand(256 * 56 * 56), longOut = new float[256 * 56 * 56];
        float[] shortIn = Rand(8 * 8 * 8), shortOut = new float[8 * 8 * 8];
        longLayer.Forward(longIn, longOut, 1, 56, 56); // warm: shape state made outside the measured calls
        shortLayer.Forward(shortIn, shortOut, 1, 8, 8);

        var clock = Stopwatch.StartNew();
        var longCalls = new List<(long Start, long End)>();
        var shortCalls = new List<(long Start, long End)>();
        bool longDone = false;
        var a = new Thread(() =>
        {
            for (int i = 0; i < 20; i++)
            {
                long start = clock.ElapsedTicks;
                longLayer.Forward(longIn, longOut, 1, 56, 56);
                longCalls.Add((start, clock.ElapsedTicks));
            }
            Volatile.Write(ref longDone, true);
        });
        var b = new Thread(() =>
        {
            while (!Volatile.Read(ref longDone))
            {
                long start = clock.ElapsedTicks;
                shortLayer.Forward(shortIn, shortOut, 1, 8, 8);
                shortCalls.Add((start, clock.ElapsedTicks));
            }
        });
        a.Start();
        b.Start();
        a.Join();
        b.Join();

        int inside = shortCalls.Count(s => longCalls.Any(l => l.Start < s.Start && s.End < l.End));
        log.WriteLine($"{library}: {longCalls.Count} long calls (median {Median(longCalls)} µs), {shortCalls.Count} short calls, {inside} of them entirely inside a long call");
        Assert.True(inside > 0, "no short call completed while a long call was running");
    }

    private static double Median(List<(long Start, long End)> calls) =>
        Math.Round(calls.Select(c => (c.End - c.Start) * 1e6 / Stopwatch.Frequency).Order().ElementAt(calls.Count / 2));
}
