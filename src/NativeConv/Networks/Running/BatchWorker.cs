using System.Runtime.ExceptionServices;

namespace NativeConv;

/// <summary>
/// A thread of its own that runs one share of each call's batch (<see cref="ImageShare"/>: some of its images) while the
/// calling thread runs another. It waits between calls, blocked, and ends when disposed. A
/// call hands it its buffers through fields, so a warm call allocates nothing.
/// </summary>
internal sealed unsafe class BatchWorker : IDisposable
{
    private readonly ImageShare _share;
    private readonly Thread _thread;
    private readonly SemaphoreSlim _start = new(0);
    private readonly SemaphoreSlim _done = new(0);
    private TensorLayout _layout;
    private float* _input, _output;
    private Exception? _failure;
    private bool _stopping;

    /// <param name="share">The worker's share (disposed with it): none of its native state is shared with another thread.</param>
    public BatchWorker(ImageShare share)
    {
        _share = share;
        _thread = new Thread(Loop) { IsBackground = true, Name = "NativeConv batch worker" };
        _thread.Start();
    }

    /// <summary>Starts the share on the caller's pinned buffers; <see cref="Wait"/> for it.</summary>
    public void Start(TensorLayout layout, float* input, float* output)
    {
        _layout = layout;
        _input = input;
        _output = output;
        _start.Release(); // a full fence: the worker sees the fields above
    }

    /// <summary>Waits for the share <see cref="Start"/> began; rethrows what the worker threw on it.</summary>
    public void Wait()
    {
        _done.Wait();
        if (_failure is { } failure)
        {
            _failure = null;
            ExceptionDispatchInfo.Throw(failure);
        }
    }

    /// <summary>
    /// Runs a call on every worker and, meanwhile, <paramref name="own"/> on the calling thread (with <paramref name="ticks"/>
    /// its profile). Returns or throws only once every worker is done with the caller's buffers; the first failure is the
    /// one thrown: the calling thread's, then the workers' in order.
    /// </summary>
    public static void RunAll(ImageShare own, BatchWorker[] workers, TensorLayout layout, float* input, float* output, long[]? ticks)
    {
        foreach (BatchWorker worker in workers) worker.Start(layout, input, output);
        Exception? failure = null;
        try
        {
            own.Run(layout, input, output, ticks);
        }
        catch (Exception e)
        {
            failure = e;
        }
        foreach (BatchWorker worker in workers)
        {
            try
            {
                worker.Wait();
            }
            catch (Exception e)
            {
                failure ??= e;
            }
        }
        if (failure is not null) ExceptionDispatchInfo.Throw(failure);
    }

    private void Loop()
    {
        while (true)
        {
            _start.Wait();
            if (_stopping) return;
            try
            {
                _share.Run(_layout, _input, _output, ticks: null);
            }
            catch (Exception e)
            {
                _failure = e;
            }
            _done.Release();
        }
    }

    public void Dispose()
    {
        if (_stopping) return;
        _stopping = true;
        _start.Release();
        _thread.Join();
        _share.Dispose();
        _start.Dispose();
        _done.Dispose();
    }
}
