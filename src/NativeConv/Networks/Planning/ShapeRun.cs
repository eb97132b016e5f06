using System.Runtime.ExceptionServices;

namespace NativeConv;

/// <summary>
/// What a network runs for one input shape: the program chosen, its buffers, the plan that says so, and for a batch
/// split into images (<see cref="BatchMode"/>) the workers that run the other threads' shares, or for one image the row
/// bands of its first operations.
/// </summary>
internal sealed unsafe class ShapeRun : IDisposable
{
    private readonly BatchWorker[] _workers;
    private readonly bool _ownsProgram;
    private bool _disposed;

    /// <param name="program">The planner's (shared by shapes), unless <paramref name="ownsProgram"/>: a copy made for this run alone.</param>
    /// <param name="buffers">The calling thread's buffers: for the whole batch, or for one image when the batch runs image by image.</param>
    /// <param name="input">The caller's input shape: the whole batch.</param>
    /// <param name="workers">The other threads, for <see cref="BatchMode.ImagesAcrossThreads"/> (each with its own program and buffers).</param>
    /// <param name="bands">For <see cref="BatchMode.RowsAcrossThreads"/>: the first operations in row bands (owned by the run).</param>
    public ShapeRun(NetworkProgram program, ShapePlan buffers, NetworkPlan plan, TensorShape input, BatchWorker[]? workers = null,
        bool ownsProgram = false, RowBandsRun? bands = null)
    {
        Program = program;
        Buffers = buffers;
        Plan = plan;
        Input = input;
        Output = buffers.Output with { Batch = input.Batch };
        _workers = workers ?? [];
        _ownsProgram = ownsProgram;
        Bands = bands;
    }

    /// <summary>What the calling thread runs.</summary>
    public NetworkProgram Program { get; }

    public ShapePlan Buffers { get; }

    /// <summary>The first operations in row bands, one per thread (null: none).</summary>
    public RowBandsRun? Bands { get; }

    /// <summary>The plan; the planner sets it once it has chosen how the batch runs.</summary>
    public NetworkPlan Plan { get; set; }

    /// <summary>The whole call's input shape (the buffers may be one image's).</summary>
    public TensorShape Input { get; }

    /// <summary>The whole call's output shape.</summary>
    public TensorShape Output { get; }

    /// <summary>
    /// Runs the caller's pinned batch. Image by image, the images are shared between the calling thread and the workers
    /// in contiguous ranges. With <paramref name="ticks"/>, the profile
    /// adds up the calling thread's images.
    /// </summary>
    public void Run(TensorLayout layout, float* input, float* output, long[]? ticks = null)
    {
        int images = Input.Batch;
        if (Buffers.Input.Batch == images)
        {
            Program.Run(Buffers, layout, input, output, ticks, Bands);
            return;
        }
        int threads = _workers.Length + 1;
        for (int w = 1; w < threads; w++) _workers[w - 1].Start(layout, input, output, FirstImage(w, images, threads), FirstImage(w + 1, images, threads));
        // Every worker is done with the caller's buffers before this returns or throws; the first failure is the one thrown.
        Exception? failure = null;
        try
        {
            Program.RunImages(Buffers, layout, input, output, 0, FirstImage(1, images, threads), ticks);
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

    /// <summary>One line per operation: what runs it (<see cref="NetworkProgram.Describe()"/>, the banded operations' bands instead).</summary>
    public IReadOnlyList<string> Describe()
    {
        List<string> lines = Program.Describe().ToList();
        if (Bands is null) return lines;
        for (int i = 0; i < Bands.Operations; i++) lines[i] = $"{Program.Graph.Ops[i].Name}: {Bands.Describe(i)}";
        return lines;
    }

    /// <summary>The first image of thread <paramref name="thread"/>'s share (the calling thread is 0): as even as whole images allow.</summary>
    internal static int FirstImage(int thread, int images, int threads) => (int)((long)images * thread / threads);

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (BatchWorker worker in _workers) worker.Dispose();
        Bands?.Dispose();
        Buffers.Dispose();
        if (_ownsProgram) Program.Dispose();
    }
}
