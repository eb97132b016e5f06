using System.Diagnostics;

namespace NativeConv;

/// <summary>
/// A candidate under measurement for one input shape: its program's instance (owned until kept) and what its calls
/// measured: each operation's fastest time in the first pass, and its time in each round.
/// </summary>
internal sealed unsafe class Trial : IDisposable
{
    private ProgramInstance? _instance;
    private readonly long[] _ticks;

    public Trial(NetworkProgram program, TensorShape[] inputs, TensorLayout layout)
    {
        Program = program;
        _instance = program.Instantiate(inputs, layout);
        _ticks = new long[_instance.TickSlots];
        FastestTicks = new long[_ticks.Length];
        Array.Fill(FastestTicks, long.MaxValue);
    }

    public NetworkProgram Program { get; }

    /// <summary>Each operation's fastest time in the first pass, in Stopwatch ticks (the NCHW transposes last).</summary>
    public long[] FastestTicks { get; }

    /// <summary>The first pass's per-operation fastest times, added up, µs.</summary>
    public double FirstPassMicroseconds => FastestTicks.Sum(t => t == long.MaxValue ? 0 : (double)t) * 1e6 / Stopwatch.Frequency;

    /// <summary>Its time in each round so far, µs.</summary>
    public List<double> Rounds { get; } = [];

    /// <summary>An untimed call (the first makes the native state for the shape).</summary>
    public void Run(float** inputs, float** outputs) => Instance.Run(inputs, outputs);

    /// <summary>A call with every operation timed, each operation's fastest kept.</summary>
    public void RunPerOperation(float** inputs, float** outputs)
    {
        Array.Clear(_ticks);
        Instance.Run(inputs, outputs, _ticks);
        for (int i = 0; i < _ticks.Length; i++) FastestTicks[i] = Math.Min(FastestTicks[i], _ticks[i]);
    }

    /// <summary>A call timed whole, added to <see cref="Rounds"/>.</summary>
    public void RunTimed(float** inputs, float** outputs)
    {
        long start = Stopwatch.GetTimestamp();
        Instance.Run(inputs, outputs);
        Rounds.Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds);
    }

    /// <summary>Hands the instance over for good: the candidate was chosen.</summary>
    public ProgramInstance Keep()
    {
        ProgramInstance kept = Instance;
        _instance = null;
        return kept;
    }

    private ProgramInstance Instance => _instance ?? throw new ObjectDisposedException(nameof(Trial));

    public void Dispose()
    {
        _instance?.Dispose();
        _instance = null;
    }
}
