using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace NativeConv.Benchmarks.Ort;

/// <summary>Callers on threads of their own, started together: for a time (throughput) or for a number of calls each (memory).</summary>
internal static class ConcurrentCallers
{
    /// <summary>
    /// Each caller calls until <paramref name="milliseconds"/> have passed since the common start; the calls finished per
    /// second, from the start until the last caller's last call returned.
    /// </summary>
    public static double CallsPerSecond(IReadOnlyList<Action> callers, double milliseconds)
    {
        var calls = new long[callers.Count];
        long start = 0, end = 0;
        Run(callers, (call, k) =>
        {
            end = start + (long)(milliseconds * Stopwatch.Frequency / 1000);
            while (Stopwatch.GetTimestamp() < end)
            {
                call();
                calls[k]++;
            }
        }, () => start = Stopwatch.GetTimestamp());
        double seconds = (double)(Stopwatch.GetTimestamp() - start) / Stopwatch.Frequency;
        return calls.Sum() / seconds;
    }

    /// <summary>Each caller makes <paramref name="calls"/> calls, all starting together.</summary>
    public static void Calls(IReadOnlyList<Action> callers, int calls) => Run(callers, (call, _) =>
    {
        for (int i = 0; i < calls; i++) call();
    }, () => { });

    /// <summary>Runs <paramref name="body"/> for each caller on its own thread once all are ready; <paramref name="started"/> runs just before they go. Rethrows the first failure.</summary>
    private static void Run(IReadOnlyList<Action> callers, Action<Action, int> body, Action started)
    {
        using var go = new ManualResetEventSlim();
        Exception? failure = null;
        var threads = callers.Select((call, k) => new Thread(() =>
        {
            go.Wait();
            try
            {
                body(call, k);
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref failure, e, null);
            }
        }) { IsBackground = true, Name = $"caller {k}" }).ToArray();
        foreach (Thread thread in threads) thread.Start();
        started();
        go.Set();
        foreach (Thread thread in threads) thread.Join();
        if (failure is not null) ExceptionDispatchInfo.Throw(failure);
    }
}
