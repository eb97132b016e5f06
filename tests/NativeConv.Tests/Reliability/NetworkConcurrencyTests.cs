using Xunit;

namespace NativeConv.Tests;

/// <summary>
/// One network shared by concurrent callers: every call's output is bit-identical to the same call made alone, on every
/// backend and auto, while shapes are planned, evicted and made again under the calls, the number of execution
/// contexts stays within <see cref="NetworkOptions.MaxConcurrentCalls"/>, and Dispose waits for the calls in flight.
/// The interleaving test runs the same with a random yield or spin at every hand-over point (<see cref="RaceProbe"/>).
/// </summary>
[Collection(RunsAloneCollection.Name)]
public class NetworkConcurrencyTests
{
    private const string Case = "bottleneck k5 SE HardSwish (residual)"; // expand, depthwise, SE (pool, multiply), project, residual add
    private const int Threads = 8;

    public static TheoryData<string> BackendsAndAuto() => new([.. TestBackends.Names, NetworkOptions.Auto]);

    public static TheoryData<string> NativeAndAuto() => new([.. TestBackends.Native, NetworkOptions.Auto]);

    /// <summary>One call: its batch and size, input, and the output the network gave it when nothing else ran.</summary>
    private sealed record Call(int Batch, int Size, float[] Input, float[] Expected);

    private static ConvNetwork Network(string backend, TensorLayout layout, int maxConcurrentCalls, int shapeCacheSize = 8)
    {
        if (backend == NetworkOptions.Auto)
            foreach (string name in TestBackends.Native) TestBackends.GetOrSkip(name);
        else TestBackends.GetOrSkip(backend);
        var (blocks, _, _) = NetworkCases.Get(Case);
        return new ConvNetwork(blocks, TestBackends.All, new NetworkOptions
        {
            Backend = backend, Layout = layout, MaxConcurrentCalls = maxConcurrentCalls, ShapeCacheSize = shapeCacheSize,
            Candidates = backend == NetworkOptions.Auto ? TestBackends.Native : null,
        });
    }

    /// <summary>Calls of the given (batch, size) shapes, each made alone first for its expected output.</summary>
    private static Call[] Calls(ConvNetwork network, params (int Batch, int Size)[] shapes)
    {
        var calls = new Call[shapes.Length];
        for (int k = 0; k < shapes.Length; k++)
        {
            var (batch, size) = shapes[k];
            float[] x = NetworkCases.Rand(new Random(100 + k), batch * network.InChannels * size * size, 1);
            var y = new float[batch * network.OutputShape(new TensorShape(batch, network.InChannels, size, size)).Length / batch];
            network.Forward(x, y, batch, size, size);
            calls[k] = new Call(batch, size, x, y);
        }
        return calls;
    }

    /// <summary>
    /// <see cref="Threads"/> threads released together, thread t making <paramref name="perThread"/> calls cycling
    /// through <paramref name="calls"/> from call t; returns the calls whose output differed from the expected one in
    /// any bit, and rethrows the first exception a thread saw.
    /// </summary>
    private static int Hammer(ConvNetwork network, Call[] calls, int perThread)
    {
        int mismatches = 0;
        Exception? failure = null;
        using var start = new Barrier(Threads);
        var threads = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
        {
            try
            {
                var outputs = calls.Select(c => new float[c.Expected.Length]).ToArray();
                start.SignalAndWait();
                for (int i = 0; i < perThread; i++)
                {
                    int k = (t + i) % calls.Length;
                    Call call = calls[k];
                    Array.Fill(outputs[k], float.NaN);
                    network.Forward(call.Input, outputs[k], call.Batch, call.Size, call.Size);
                    if (!outputs[k].AsSpan().SequenceEqual(call.Expected)) Interlocked.Increment(ref mismatches);
                }
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref failure, e, null);
            }
        })).ToArray();
        foreach (Thread thread in threads) thread.Start();
        foreach (Thread thread in threads) thread.Join();
        if (failure is not null) throw new Xunit.Sdk.XunitException($"a caller failed: {failure}");
        return mismatches;
    }

    [SkippableTheory]
    [MemberData(nameof(BackendsAndAuto))]
    public void Eight_callers_making_1000_calls_each_match_the_calls_made_alone_bit_for_bit(string backend)
    {
        foreach (TensorLayout layout in TestBackends.Layouts)
        {
            using var network = Network(backend, layout, maxConcurrentCalls: Threads);
            Call[] calls = Calls(network, (1, 13), (2, 13), (1, 9)); // batch 2: auto may share its images between threads
            Assert.Equal(0, Hammer(network, calls, 1000));
            Assert.All(network.ContextCounts, c => Assert.InRange(c, 1, Threads));
        }
    }

    [SkippableTheory]
    [MemberData(nameof(NativeAndAuto))]
    public void Callers_beyond_the_bound_wait_and_the_contexts_stay_within_it(string backend)
    {
        using var network = Network(backend, TensorLayout.Nchw, maxConcurrentCalls: 2);
        Call[] calls = Calls(network, (1, 13));
        Assert.Equal(0, Hammer(network, calls, 300));
        Assert.InRange(network.ContextCounts.Single(), 1, 2);
    }

    [SkippableTheory]
    [MemberData(nameof(NativeAndAuto))]
    public void Shapes_evicted_and_made_again_under_concurrent_calls_give_the_same_bits(string backend)
    {
        // One cached shape, three in use: nearly every call evicts a shape other calls may still run on.
        using var network = Network(backend, TensorLayout.Nhwc, maxConcurrentCalls: Threads, shapeCacheSize: 1);
        Call[] calls = Calls(network, (1, 13), (1, 9), (2, 11));
        Assert.Equal(0, Hammer(network, calls, 200));
        Assert.Single(network.ContextCounts);
    }

    [SkippableTheory]
    [MemberData(nameof(NativeAndAuto))]
    public void Dispose_under_concurrent_calls_waits_for_them_and_later_calls_throw(string backend)
    {
        var network = Network(backend, TensorLayout.Nchw, maxConcurrentCalls: 3);
        Call[] calls = Calls(network, (1, 13), (2, 9));
        DisposeUnderCalls(network, calls);
    }

    private static void DisposeUnderCalls(ConvNetwork network, Call[] calls)
    {
        int completed = 0, disposed = 0, succeededAfterDispose = 0, disposeReturned = 0, mismatches = 0;
        Exception? unexpected = null;
        var callers = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
        {
            for (int i = 0; ; i++)
            {
                Call call = calls[(t + i) % calls.Length];
                var y = new float[call.Expected.Length];
                bool afterDispose = Volatile.Read(ref disposeReturned) == 1;
                try
                {
                    network.Forward(call.Input, y, call.Batch, call.Size, call.Size);
                }
                catch (ObjectDisposedException)
                {
                    Interlocked.Increment(ref disposed);
                    return;
                }
                catch (Exception e)
                {
                    Interlocked.CompareExchange(ref unexpected, e, null);
                    return;
                }
                if (afterDispose) Interlocked.Increment(ref succeededAfterDispose);
                if (!y.AsSpan().SequenceEqual(call.Expected)) Interlocked.Increment(ref mismatches);
                Interlocked.Increment(ref completed);
            }
        })).ToArray();
        foreach (Thread thread in callers) thread.Start();
        Assert.True(SpinWait.SpinUntil(() => Volatile.Read(ref completed) >= 2 * Threads || callers.Any(c => !c.IsAlive), TimeSpan.FromSeconds(60)), "callers did not get going");
        network.Dispose(); // returns once the calls in flight are done: every output they wrote is whole
        Volatile.Write(ref disposeReturned, 1);
        foreach (Thread thread in callers) Assert.True(thread.Join(TimeSpan.FromSeconds(60)), "a caller never saw the disposal");
        Assert.Null(unexpected);
        Assert.Equal(Threads, disposed);
        Assert.Equal(0, succeededAfterDispose);
        Assert.Equal(0, mismatches);
    }

    /// <summary>
    /// The interleaving harness: every hand-over point yields, sleeps 0 or spins a random while (seeded per thread), so
    /// contexts are rented while shapes retire, the last call out releases an evicted shape, Dispose meets calls at every
    /// point; the outputs stay bit-identical and nothing is thrown but <see cref="ObjectDisposedException"/> after Dispose.
    /// Every point must have been reached, or the harness tested nothing there.
    /// </summary>
    [SkippableTheory]
    [MemberData(nameof(NativeAndAuto))]
    public void Random_interleavings_at_every_hand_over_point_change_nothing(string backend)
    {
        var reached = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        var random = new ThreadLocal<Random>(() => new Random(Environment.CurrentManagedThreadId * 7919));
        RaceProbe.At = where =>
        {
            reached.AddOrUpdate(where, 1, (_, n) => n + 1);
            switch (random.Value!.Next(4))
            {
                case 0: Thread.Yield(); break;
                case 1: Thread.Sleep(0); break;
                case 2: Thread.SpinWait(random.Value.Next(1, 2000)); break;
            }
        };
        try
        {
            for (int round = 0; round < 5; round++)
            {
                var network = Network(backend, round % 2 == 0 ? TensorLayout.Nchw : TensorLayout.Nhwc, maxConcurrentCalls: 3, shapeCacheSize: 1);
                Call[] calls = Calls(network, (1, 13), (1, 9), (2, 11));
                Assert.Equal(0, Hammer(network, calls, 60));
                Assert.InRange(network.ContextCounts.Single(), 1, 3);
                DisposeUnderCalls(network, calls);
            }
        }
        finally
        {
            RaceProbe.At = null;
        }
        foreach (string point in new[] { "slot taken", "shape entered", "context made", "context rented", "context returned", "shape left", "shape retired", "disposing" })
            Assert.True(reached.ContainsKey(point), $"the harness never reached '{point}'");
    }
}
