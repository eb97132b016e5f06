using Xunit;

namespace NativeConv.Tests;

/// <summary>
/// Concurrent callers of one network, some with NaN and ±infinity in their inputs and some without: the repair's buffers
/// belong to each execution context, so every call gives bit for bit what it gives alone.
/// </summary>
[Collection(RunsAloneCollection.Name)]
public class NonFiniteConcurrencyTests
{
    private const int Threads = 4, PerThread = 12;

    [SkippableTheory]
    [InlineData("onednn")]
    [InlineData("xnnpack")]
    public void Concurrent_calls_with_and_without_non_finite_inputs_give_what_each_gives_alone(string backendName)
    {
        TestBackends.GetOrSkip(backendName);
        var (blocks, channels, size) = NetworkCases.Get("inverted residual t6 s1 (residual)");
        using var network = new ConvNetwork(blocks, TestBackends.All, new NetworkOptions { Backend = backendName, Layout = TensorLayout.Nhwc, MaxConcurrentCalls = Threads });
        var shape = new TensorShape(1, channels, size, size);
        int outputs = network.OutputShape(shape).Length;
        var inputs = new float[4][];
        var expected = new float[4][];
        for (int k = 0; k < inputs.Length; k++)
        {
            inputs[k] = NetworkCases.Rand(new Random(k), shape.Length, 1);
            if (k % 2 == 1)
            {
                inputs[k][k * 37] = float.NaN;
                inputs[k][k * 101] = float.PositiveInfinity;
                inputs[k][k * 101 + channels] = float.NegativeInfinity;
            }
            expected[k] = new float[outputs];
            network.Forward(inputs[k], expected[k], 1, size, size);
        }
        Assert.Contains(expected[1], float.IsNaN);
        int mismatches = 0;
        var start = new Barrier(Threads);
        var threads = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
        {
            var y = new float[outputs];
            start.SignalAndWait();
            for (int c = 0; c < PerThread; c++)
            {
                int k = (t + c) % inputs.Length;
                network.Forward(inputs[k], y, 1, size, size);
                if (!y.AsSpan().SequenceEqual(expected[k])) Interlocked.Increment(ref mismatches); // float.Equals: NaN equals NaN
            }
        })).ToArray();
        foreach (Thread thread in threads) thread.Start();
        foreach (Thread thread in threads) thread.Join();
        Assert.Equal(0, mismatches);
    }
}
