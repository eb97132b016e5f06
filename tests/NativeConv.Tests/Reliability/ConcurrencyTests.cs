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
    [SkippableTheory]
    [InlineData("onednn", TensorLayout.Nhwc)]
    [InlineData("onednn", TensorLayout.Nchw)]
    [InlineData("xnnpack", TensorLayout.Nhwc)]
    [InlineData("xnnpack", TensorLayout.Nchw)]
    [InlineData("reference", TensorLayout.Nhwc)]
    public void Eight_threads_on_a_shared_layer_match_a_single_thread(string backendName, TensorLayout layout)
    {
        IConvBackend backend = TestBackends.GetOrSkip(backendName);
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

    [SkippableTheory]
    [InlineData("onednn")]
    [InlineData("xnnpack")]
    [InlineData("reference")]
    public void Dispose_during_forward_waits_and_later_calls_throw_ObjectDisposedException(string backendName)
    {
        IConvBackend backend = TestBackends.GetOrSkip(backendName);
        var layer = new DepthwiseConv2d(16, 3, new float[16 * 9], new float[16], backend, padding: 1, layout: TensorLayout.Nhwc);
        float[] input = new float[16 * 32 * 32], output = new float[16 * 32 * 32];
        using var started = new ManualResetEventSlim();
        Exception? unexpected = null;
        int disposedSeen = 0;
        var callers = Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            started.Set();
            for (int i = 0; i < 2000; i++)
            {
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
            }
        })).ToArray();
        started.Wait();
        Thread.Sleep(5);
        layer.Dispose();
        Task.WaitAll(callers);
        Assert.Null(unexpected);
        Assert.Throws<ObjectDisposedException>(() => layer.Forward(input, output, 1, 32, 32));
    }
}
