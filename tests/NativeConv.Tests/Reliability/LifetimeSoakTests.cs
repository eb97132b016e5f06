using System.Diagnostics;
using Xunit;
using Xunit.Abstractions;

namespace NativeConv.Tests;

/// <summary>
/// Create → forward → dispose, 10,000 times per native backend (the soak-lite; `build/soak.sh` runs
/// 100,000): resident memory may not grow by 20 MB or more once warm. And layers dropped without
/// Dispose give their engine or pool reference back when finalized, so that object is freed.
/// </summary>
[Collection(RunsAloneCollection.Name)]
public class LifetimeSoakTests(ITestOutputHelper log)
{
    public static int Cycles => int.TryParse(Environment.GetEnvironmentVariable("NATIVECONV_SOAK_CYCLES"), out int c) ? c : 10_000;

    [SkippableTheory]
    [InlineData("onednn")]
    [InlineData("xnnpack")]
    public void Create_forward_dispose_cycles_do_not_leak(string backendName)
    {
        ConvBackend backend = TestBackends.GetOrSkip(backendName);
        float[] weights = new float[8 * 9], bias = new float[8], input = new float[8 * 8 * 8], output = new float[8 * 8 * 8];
        void Cycle()
        {
            using var layer = new DepthwiseConv2d(8, 3, weights, bias, backend, padding: 1, layout: TensorLayout.Nhwc);
            layer.Forward(input, output, 1, 8, 8);
        }
        for (int i = 0; i < 500; i++) Cycle(); // warm: JIT, allocator pools, primitive cache
        long before = ResidentMemory.Bytes();
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < Cycles; i++) Cycle();
        long growth = ResidentMemory.Bytes() - before;
        log.WriteLine($"{backendName}: {Cycles} cycles in {clock.Elapsed.TotalSeconds:0.0} s, RSS growth {growth / 1024.0 / 1024.0:0.00} MB");
        Assert.True(growth < 20L * 1024 * 1024, $"RSS grew by {growth / 1024.0 / 1024.0:0.0} MB over {Cycles} cycles");
    }

    [SkippableTheory]
    [InlineData("onednn")]
    [InlineData("xnnpack")]
    public void Layers_dropped_without_Dispose_give_back_their_reference_so_the_engine_or_pool_is_freed(string backendName)
    {
        TestBackends.GetOrSkip(backendName); // skip visibly when the library is missing
        System.Runtime.InteropServices.SafeHandle shared = DropLayers(backendName, out Func<bool> released);
        // The backends were disposed while the layers lived: the layers' references kept the native object.
        Assert.False(released(), "freed while layers still referenced it");
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        Assert.True(released(), "the dropped layers' references were never given back");
        GC.KeepAlive(shared);
    }

    /// <summary>Makes 50 layers on a backend of its own, runs each, disposes the backend, and drops the layers.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static System.Runtime.InteropServices.SafeHandle DropLayers(string backendName, out Func<bool> released)
    {
        ConvBackends backends = TestBackends.Registry.Build(); // two threads: XNNPACK makes a pool
        ConvBackend backend = backends.Get(backendName);
        (System.Runtime.InteropServices.SafeHandle handle, released) = backend switch
        {
            OneDnnBackend o => (o.Engine, () => o.Engine.IsReleased),
            XnnpackBackend x => ((System.Runtime.InteropServices.SafeHandle)x.Pool!, (Func<bool>)(() => x.Pool!.IsReleased)),
            _ => throw new InvalidOperationException(backendName),
        };
        for (int i = 0; i < 50; i++)
        {
            var layer = new DepthwiseConv2d(8, 3, new float[72], new float[8], backend, padding: 1, layout: TensorLayout.Nhwc);
            layer.Forward(new float[8 * 16], new float[8 * 16], 1, 4, 4);
        }
        backends.Dispose();
        return handle;
    }
}
