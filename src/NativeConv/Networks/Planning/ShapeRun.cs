namespace NativeConv;

/// <summary>
/// What a network runs for one input shape: the program chosen, its buffers, the plan that says so, and for work shared
/// between threads (<see cref="BatchMode"/>) the workers that run the other threads' images, or the row bands.
/// </summary>
internal sealed unsafe class ShapeRun : IDisposable
{
    private readonly BatchWorker[] _workers;
    private readonly ImageShare? _ownImages; // with workers sharing the images: the calling thread's
    private readonly bool _ownsProgram;
    private bool _disposed;

    /// <param name="program">The planner's (shared by shapes), unless <paramref name="ownsProgram"/>: a copy made for this run alone.</param>
    /// <param name="buffers">The calling thread's buffers: for the whole batch, or for one image when the batch runs image by image.</param>
    /// <param name="input">The caller's input shape: the whole batch.</param>
    /// <param name="workers">The other threads' images, for <see cref="BatchMode.ImagesAcrossThreads"/> (each with its own program and buffers).</param>
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
        if (_workers.Length > 0) _ownImages = new ImageShare(program, buffers, 0, FirstImage(1, input.Batch, _workers.Length + 1));
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
        if (_ownImages is not null) BatchWorker.RunAll(_ownImages, _workers, layout, input, output, ticks);
        else if (Buffers.Input.Batch == Input.Batch) Program.Run(Buffers, layout, input, output, ticks, Bands);
        else Program.RunImages(Buffers, layout, input, output, 0, Input.Batch, ticks);
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
