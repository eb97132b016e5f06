namespace NativeConv.Cli;

/// <summary>`net bench`'s calls until the plan for its shape was chosen, the first included (it makes the shape's native state).</summary>
internal sealed class PlanningCalls
{
    public int Count { get; private set; }

    public double FirstMilliseconds { get; private set; }

    public double TotalMilliseconds { get; private set; }

    public double SlowestMilliseconds { get; private set; }

    public void Add(double milliseconds)
    {
        if (Count == 0) FirstMilliseconds = milliseconds;
        Count++;
        TotalMilliseconds += milliseconds;
        SlowestMilliseconds = Math.Max(SlowestMilliseconds, milliseconds);
    }
}
