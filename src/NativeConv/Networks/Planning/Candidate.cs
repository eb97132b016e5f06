namespace NativeConv;

/// <summary>
/// A candidate way of running a network for one input shape while it is measured: a program with its buffers, or a
/// way of running a batch (<see cref="ShapeRun"/>). Owns its buffers, or its run; never the program, which the
/// planner shares between shapes.
/// </summary>
internal sealed unsafe class Candidate : IDisposable
{
    private readonly ShapePlan? _buffers;
    private readonly ShapeRun? _batch;
    private readonly TensorLayout _layout;
    private bool _disposed;

    /// <summary>The program on its own buffers for the shape.</summary>
    public Candidate(NetworkProgram program, ShapePlan buffers, TensorLayout layout)
    {
        Program = program;
        _buffers = buffers;
        _layout = layout;
        Name = program.Name;
        FastestTicks = new long[program.Graph.Ops.Count + 2];
    }

    /// <summary>A way of running the whole batch.</summary>
    public Candidate(ShapeRun batch, string name, TensorLayout layout)
    {
        Program = batch.Program;
        _batch = batch;
        _layout = layout;
        Name = name;
        FastestTicks = [];
    }

    public string Name { get; }

    public NetworkProgram Program { get; }

    /// <summary>Each operation's fastest time in the first pass, in Stopwatch ticks (the two NCHW transposes last).</summary>
    public long[] FastestTicks { get; }

    /// <summary>Runs the caller's pinned call; with <paramref name="ticks"/>, adds each operation's time there.</summary>
    public void Run(float* input, float* output, long[]? ticks)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_batch is not null) _batch.Run(_layout, input, output, ticks);
        else Program.Run(_buffers!, _layout, input, output, ticks);
    }

    /// <summary>Hands over the buffers (or the batch run) for good: the candidate was chosen.</summary>
    public ShapeRun Keep(NetworkPlan plan, TensorShape shape)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _disposed = true;
        if (_batch is not null)
        {
            _batch.Plan = plan;
            return _batch;
        }
        return new ShapeRun(Program, _buffers!, plan, shape);
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _buffers?.Dispose();
        _batch?.Dispose();
    }
}
