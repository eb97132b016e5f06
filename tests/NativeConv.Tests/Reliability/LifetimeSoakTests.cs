using System.Diagnostics;
using Xunit;
using Xunit.Abstractions;

namespace NativeConv.Tests;

/// <summary>
/// Create → forward → dispose, 10,000 times per native backend (the soak-lite; `build/soak.sh` runs
/// 100,000): resident memory may not grow by 20 MB or more once warm. And layers dropped without
/// Dispose are released by finalizers without a crash.
/// </summary>
[Collection(MemoryMeasurementCollection.Name)]
public class LifetimeSoakTests(ITestOutputHelper log)
{
    public static int Cycles => int.TryParse(Environment.GetEnvironmentVariable("NATIVECONV_SOAK_CYCLES"), out int c) ? c : 10_000;

    [SkippableTheory]
    [InlineData("onednn")]
    [InlineData("xnnpack")]
    public void Create_forward_dispose_cycles_do_not_leak(string backendName)
    {
        IConvBackend backend = TestBackends.GetOrSkip(backendName);
        float[] weights = new float[8 * 9], bias = new float[8], input = new float[8 * 8 * 8], output = new float[8 * 8 * 8];
        void Cycle()
        {
            using var layer = new DepthwiseConv2d(8, 3, weights, bias, backend, padding: 1, layout: TensorLayout.Nhwc);
            layer.Forward(input, output, 1, 8, 8);
        }
        for (int i = 0; i < 500; i++) Cycle(); // warm: JIT, allocator pools, primitive cache
        long before = ResidentBytes();
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < Cycles; i++) Cycle();
        long growth = ResidentBytes() - before;
        log.WriteLine($"{backendName}: {Cycles} cycles in {clock.Elapsed.TotalSeconds:0.0} s, RSS growth {growth / 1024.0 / 1024.0:0.00} MB");
        Assert.True(growth < 20L * 1024 * 1024, $"RSS grew by {growth / 1024.0 / 1024.0:0.0} MB over {Cycles} cycles");
    }

    [SkippableTheory]
    [InlineData("onednn")]
    [InlineData("xnnpack")]
    public void Layers_dropped_without_dispose_are_finalized_safely(string backendName)
    {
        IConvBackend backend = TestBackends.GetOrSkip(backendName);
        static void Drop(IConvBackend b)
        {
            for (int i = 0; i < 200; i++)
            {
                var layer = new DepthwiseConv2d(8, 3, new float[72], new float[8], b, padding: 1, layout: TensorLayout.Nhwc);
                layer.Forward(new float[8 * 16], new float[8 * 16], 1, 4, 4);
            }
        }
        Drop(backend);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        // Still usable afterwards: the backend's engine and pool were not released by the finalizers.
        using var survivor = new DepthwiseConv2d(8, 3, new float[72], new float[8], backend, padding: 1, layout: TensorLayout.Nhwc);
        survivor.Forward(new float[8 * 16], new float[8 * 16], 1, 4, 4);
    }

    private static long ResidentBytes()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        // /proc/self/statm: resident pages are the second field.
        string[] fields = File.ReadAllText("/proc/self/statm").Split(' ');
        return long.Parse(fields[1]) * Environment.SystemPageSize;
    }
}
