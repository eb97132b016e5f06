using System.Diagnostics;

namespace NativeConv;

/// <summary>
/// The planner's measurement of one input shape (<see cref="NetworkPlanner.Measure"/>), run by the caller's calls: each
/// <see cref="Call"/> runs the measurement's next call (<see cref="MeasuredCall"/>) on the caller's data and times it,
/// until the measurement has chosen; from then on the caller runs the chosen run. Under the network's lock.
/// </summary>
internal sealed unsafe class ShapeMeasurement : IDisposable
{
    private readonly IEnumerator<MeasuredCall> _calls;
    private readonly Action<ShapeRun> _chosen;
    private long _compiled = System.Runtime.JitInfo.GetCompiledMethodCount();
    private long _lastCompile = Stopwatch.GetTimestamp();
    private bool _done;

    /// <param name="calls">The measurement, given this object: it reads <see cref="LastMicroseconds"/> after each call it asked for, and sets <see cref="Chosen"/> before it ends.</param>
    /// <param name="chosen">Told the chosen run once (to keep its plan in a file).</param>
    public ShapeMeasurement(TensorShape input, TensorShape output, Func<ShapeMeasurement, IEnumerable<MeasuredCall>> calls, Action<ShapeRun> chosen)
    {
        Input = input;
        Output = output;
        _chosen = chosen;
        _calls = calls(this).GetEnumerator();
    }

    /// <summary>The whole call's input shape.</summary>
    public TensorShape Input { get; }

    /// <summary>The whole call's output shape.</summary>
    public TensorShape Output { get; }

    /// <summary>The latest call's time, µs (the candidate's run only).</summary>
    public double LastMicroseconds { get; private set; }

    /// <summary>The run chosen, set by the measurement as it ends; the caller owns it from then on.</summary>
    public ShapeRun? Chosen { get; set; }

    /// <summary>Milliseconds since the JIT last compiled a method, as seen after each call (it tiers up the code between native calls in the background).</summary>
    public double JitQuietMilliseconds => Stopwatch.GetElapsedTime(_lastCompile).TotalMilliseconds;

    /// <summary>
    /// Runs the caller's pinned call on the measurement's next candidate and returns null; or, once the measurement has
    /// chosen, returns the chosen run (the caller's from then on) without running the call: the caller runs it.
    /// </summary>
    public ShapeRun? Call(float* input, float* output)
    {
        ObjectDisposedException.ThrowIf(_done, this);
        if (_calls.MoveNext())
        {
            MeasuredCall call = _calls.Current;
            long start = Stopwatch.GetTimestamp();
            call.Candidate.Run(input, output, call.Ticks);
            LastMicroseconds = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
            if (System.Runtime.JitInfo.GetCompiledMethodCount() is var now && now != _compiled)
            {
                _compiled = now;
                _lastCompile = Stopwatch.GetTimestamp();
            }
            return null;
        }
        ShapeRun chosen = Chosen ?? throw new InvalidOperationException("the measurement ended without choosing");
        Chosen = null;
        _done = true;
        _calls.Dispose();
        _chosen(chosen);
        return chosen;
    }

    /// <summary>Ends an unfinished measurement: every candidate's buffers are released (the measurement's own clean-up).</summary>
    public void Dispose()
    {
        _done = true;
        _calls.Dispose();
        Chosen?.Dispose();
        Chosen = null;
    }
}
