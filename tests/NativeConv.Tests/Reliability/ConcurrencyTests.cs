using Xunit;

namespace NativeConv.Tests;

/// <summary>
/// 8 threads × 1,000 calls on one shared layer per backend give results bit-identical to a
/// single-threaded run. Calls on one layer are serialized by the layer (XNNPACK operators are not
/// re-entrant, and per-layer buffers are shared), so sharing a layer is safe; threads that need
/// parallel throughput use one layer each.
/// </summary>
public class ConcurrencyTests
{
    public static TheoryData<string, TensorLayout> BackendsAndLayouts()
    {
        var data = new TheoryData<string, TensorLayout>();
        foreach (string name in TestBackends.Names)
            foreach (TensorLayout layout in Enum.GetValues<TensorLayout>())
                data.Add(name, layout);
        return data;
    }

    [SkippableTheory]
    [MemberData(nameof(BackendsAndLayouts))]
    public void Eight_threads_on_a_shared_layer_match_a_single_thread(string backendName, TensorLayout layout)
    {
        ConvBackend backend = TestBackends.GetOrSkip(backendName);
        var r = new Random(3);
        float[] Rand(int n) => Enumerable.Range(0, n).Select(_ => (float)r.NextDouble() - 0.5f).ToArray();
        using var layer = new DepthwiseConv2d(16, 3, Rand(16 * 9), Rand(16), backend, padding: 1, activation: Activation.HardSwish, layout: layout);
        const int Threads = 8, Calls = 1000, Size = 6;
        float[][] inputs = Enumerable.Range(0, Threads).Select(_ => Rand(16 * Size * Size)).ToArray();
        float[][] expected = inputs.Select(x =>
        {
            var y = new float[x.Length];
            layer.Forward(x, y, 1, Size, Size);
            return y;
        }).ToArray();

        int mismatches = 0;
        Parallel.For(0, Threads, new ParallelOptions { MaxDegreeOfParallelism = Threads }, t =>
        {
            var y = new float[expected[t].Length];
            for (int i = 0; i < Calls; i++)
            {
                layer.Forward(inputs[t], y, 1, Size, Size);
                if (!y.AsSpan().SequenceEqual(expected[t])) Interlocked.Increment(ref mismatches);
            }
        });
        Assert.Equal(0, mismatches);
    }

    public static TheoryData<string> Backends() => new(TestBackends.Names);

    /// <summary>
    /// Four callers loop on one layer until they see <see cref="ObjectDisposedException"/>; Dispose comes
    /// once each has completed calls (so they are certainly inside the loop, not a timing guess). Every
    /// caller must end on ObjectDisposedException, nothing else may be thrown, and no call that began
    /// after Dispose returned may succeed (Dispose waits for the running call; later calls throw).
    /// </summary>
    [SkippableTheory]
    [MemberData(nameof(Backends))]
    public void Dispose_during_forward_waits_and_every_later_call_throws_ObjectDisposedException(string backendName)
    {
        ConvBackend backend = TestBackends.GetOrSkip(backendName);
        var layer = new DepthwiseConv2d(16, 3, new float[16 * 9], new float[16], backend, padding: 1, layout: TensorLayout.Nhwc);
        const int Callers = 4;
        int completed = 0, disposedSeen = 0, succeededAfterDispose = 0;
        int disposeReturned = 0;
        Exception? unexpected = null;
        var callers = Enumerable.Range(0, Callers).Select(_ => Task.Factory.StartNew(() =>
        {
            float[] input = new float[16 * 32 * 32], output = new float[16 * 32 * 32];
            while (true)
            {
                bool afterDispose = Volatile.Read(ref disposeReturned) == 1;
                try
                {
                    layer.Forward(input, output, 1, 32, 32);
                }
                catch (ObjectDisposedException)
                {
                    Interlocked.Increment(ref disposedSeen);
                    return;
                }
                catch (Exception e)
                {
                    unexpected = e;
                    return;
                }
                if (afterDispose) Interlocked.Increment(ref succeededAfterDispose);
                Interlocked.Increment(ref completed);
            }
        }, TaskCreationOptions.LongRunning)).ToArray();
        SpinWait.SpinUntil(() => Volatile.Read(ref completed) >= 2 * Callers || callers.Any(t => t.IsCompleted), TimeSpan.FromSeconds(30));
        Assert.True(Volatile.Read(ref completed) >= 2 * Callers, $"callers did not get going ({completed} calls)");
        layer.Dispose();
        Volatile.Write(ref disposeReturned, 1);
        Assert.True(Task.WaitAll(callers, TimeSpan.FromSeconds(30)), "a caller never saw the disposal");
        Assert.Null(unexpected);
        Assert.Equal(Callers, disposedSeen);
        Assert.Equal(0, succeededAfterDispose);
        Assert.Throws<ObjectDisposedException>(() => layer.Forward(new float[16 * 32 * 32], new float[16 * 32 * 32], 1, 32, 32));
    }
}
