using System.Diagnostics;
using Xunit;
using Xunit.Abstractions;

namespace NativeConv.Tests;

/// <summary>
/// One MobileNet v2 network (3x40x40, the network tests' size), called over and over on auto and on each native
/// backend: resident memory, sampled along the way, may not grow beyond the allocator's noise measured in the same run
/// (<see cref="MemoryTrend"/>). CI runs <see cref="DefaultCalls"/> calls per backend; `build/soak.sh` runs 100,000
/// (NATIVECONV_NETWORK_SOAK_CALLS).
/// </summary>
[Collection(RunsAloneCollection.Name)]
public class NetworkSoakTests(ITestOutputHelper log)
{
    /// <summary>About 10 s per backend on 2 busy cores; CI runs the tests twice (the second time as an AVX2 machine).</summary>
    private const int DefaultCalls = 20_000;

    /// <summary>Samples after the warm-up: enough intervals for a leak's fitted growth to stand well above 3 steps.</summary>
    private const int Samples = 40;

    public static int Calls => int.TryParse(Environment.GetEnvironmentVariable("NATIVECONV_NETWORK_SOAK_CALLS"), out int c) ? c : DefaultCalls;

    public static TheoryData<string> NativeAndAuto() => new([.. TestBackends.Native, NetworkOptions.Auto]);

    [SkippableTheory]
    [MemberData(nameof(NativeAndAuto))]
    public void Forward_calls_on_one_MobileNet_v2_keep_resident_memory_within_the_allocators_noise(string backend)
    {
        foreach (string name in backend == NetworkOptions.Auto ? TestBackends.Native : [backend]) TestBackends.GetOrSkip(name);
        var (blocks, channels, size) = NetworkCases.Get("v2");
        using var network = new ConvNetwork(blocks, TestBackends.All, new NetworkOptions
        {
            Backend = backend, Candidates = backend == NetworkOptions.Auto ? TestBackends.Native : null,
        });
        float[] x = NetworkCases.Rand(new Random(5), channels * size * size, 1);
        var y = new float[network.OutputShape(new TensorShape(1, channels, size, size)).Length];

        // Warm-up, not sampled: the plan, the shape's native state, the JIT's tiers, the allocator's arenas.
        int calls = Calls, warmUp = Math.Max(Math.Min(5_000, calls / 2), calls / 10), every = Math.Max(1, (calls - warmUp) / Samples);
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < warmUp; i++) network.Forward(x, y, 1, size, size);
        double warmSeconds = clock.Elapsed.TotalSeconds;
        var trend = new MemoryTrend();
        var sampling = new Stopwatch();
        void Sample(long call)
        {
            sampling.Start();
            trend.Add(call, ResidentMemory.Bytes());
            sampling.Stop();
        }
        Sample(warmUp);
        for (int i = warmUp; i < calls;)
        {
            for (int end = Math.Min(calls, i + every); i < end; i++) network.Forward(x, y, 1, size, size);
            Sample(i);
        }
        var (first, last) = trend.Range;
        log.WriteLine($"{backend}: {calls} calls in {clock.Elapsed.TotalSeconds:0.0} s ({warmUp} warm-up: {warmSeconds:0.0} s; {trend.Count} samples: {sampling.Elapsed.TotalSeconds:0.0} s): " +
            $"slope {trend.BytesPerCall * 1000:0.0} bytes per 1,000 calls, limit {trend.LimitBytesPerCall * 1000:0.0} " +
            $"(3 x largest step {trend.LargestStep / 1024.0:0.0} KB over {trend.Window} calls); anonymous RSS {first / 1048576.0:0.0} -> {last / 1048576.0:0.0} MB");
        Assert.True(trend.WithinNoise, $"{backend}: resident memory grows {trend.BytesPerCall * 1000:0.0} bytes per 1,000 calls, " +
            $"beyond the allocator's noise ({trend.LimitBytesPerCall * 1000:0.0}: 3 x its largest step, {trend.LargestStep} bytes, over {trend.Window} calls); samples {trend}");
    }
}
