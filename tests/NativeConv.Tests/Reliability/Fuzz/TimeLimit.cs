namespace NativeConv.Tests;

/// <summary>Runs a fuzz case on a thread of its own, so a case that hangs is reported instead of stalling the run.</summary>
internal static class TimeLimit
{
    /// <summary>The case's limit: far above what a case takes (tens of ms), far below a test run's patience.</summary>
    public static readonly TimeSpan PerCase = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Runs <paramref name="work"/>; false when it has not returned within <paramref name="limit"/> (it is left running on
    /// its background thread: nothing can stop it safely). <paramref name="thrown"/> is what it threw, if anything.
    /// </summary>
    public static bool Run(Action work, TimeSpan limit, out Exception? thrown)
    {
        Exception? caught = null;
        var thread = new Thread(() =>
        {
            try
            {
                work();
            }
            catch (Exception e)
            {
                caught = e;
            }
        }) { IsBackground = true, Name = "fuzz case" };
        thread.Start();
        bool finished = thread.Join(limit);
        thrown = finished ? caught : null;
        return finished;
    }
}
