using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;

namespace NativeConv;

/// <summary>
/// What one call of a shape runs on, used by one call at a time (a shape has as many as it has concurrent callers,
/// <see cref="ShapeProgram"/>): the chosen program's instance for the whole batch (its buffers and its own native
/// states), or (<see cref="BatchSplit.ImagesAcrossThreads"/>) the calling thread's single-threaded copy and the workers
/// that run the other threads' shares of the images.
/// </summary>
internal sealed unsafe class ExecutionContext : IDisposable
{
    private readonly ProgramInstance? _batch; // the planner's program: not owned
    private readonly SingleThreadedCopy? _own;
    private readonly BatchWorker[] _workers;
    private readonly int _images;
    private bool _disposed;

    /// <summary>The whole batch at once on <paramref name="instance"/> (owned).</summary>
    public ExecutionContext(ProgramInstance instance)
    {
        _batch = instance;
        _workers = [];
        Caller = instance;
    }

    /// <summary>A batch of <paramref name="images"/> shared between the calling thread (<paramref name="own"/>) and <paramref name="workers"/> (all owned).</summary>
    public ExecutionContext(SingleThreadedCopy own, BatchWorker[] workers, int images)
    {
        _own = own;
        _images = images;
        _workers = workers;
        Caller = own.Instance;
    }

    /// <summary>What the calling thread runs: the whole batch, or one image at a time.</summary>
    public ProgramInstance Caller { get; }

    /// <summary>
    /// Runs the caller's pinned call. Split, the images are shared between the calling thread and the workers in
    /// contiguous ranges; with <paramref name="ticks"/>, the profile adds up the calling thread's images.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Run(float** inputs, float** outputs, long[]? ticks = null)
    {
        if (_batch is not null)
        {
            _batch.Run(inputs, outputs, ticks);
            return;
        }
        int images = _images, threads = _workers.Length + 1;
        for (int w = 1; w < threads; w++) _workers[w - 1].Start(inputs, outputs, FirstImage(w, images, threads), FirstImage(w + 1, images, threads));
        // Every worker is done with the caller's buffers before this returns or throws; the first failure is the one thrown.
        Exception? failure = null;
        try
        {
            _own!.RunImages(inputs, outputs, 0, FirstImage(1, images, threads), ticks);
        }
        catch (Exception e)
        {
            failure = e;
        }
        foreach (BatchWorker worker in _workers)
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

    /// <summary>Bytes the workers' threads have allocated on the managed heap (0 without workers): the other threads of a call.</summary>
    public long WorkerAllocatedBytes => _workers.Sum(w => w.AllocatedBytes);

    /// <summary>One line per operation: what runs it.</summary>
    public IEnumerable<string> Describe() => Caller.Describe();

    /// <summary>The first image of thread <paramref name="thread"/>'s share (the calling thread is 0): as even as whole images allow.</summary>
    internal static int FirstImage(int thread, int images, int threads) => (int)((long)images * thread / threads);

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (BatchWorker worker in _workers) worker.Dispose();
        _own?.Dispose();
        _batch?.Dispose();
    }
}
