using System.Diagnostics;

namespace NativeConv.PlanRace;

/// <summary>
/// The two processes' meeting points, as empty files in the race directory's <c>sync</c> folder: round r starts when both
/// have arrived (<see cref="Meet"/>), and a process says when its call of round r is done (<see cref="Done"/>).
/// </summary>
internal sealed class Race(RaceOptions options)
{
    /// <summary>How long one process waits for the other before giving up (it has died or hangs).</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private readonly string _sync = System.IO.Directory.CreateDirectory(Path.Combine(options.Directory, "sync")).FullName;
    private readonly Stopwatch _waiting = new();

    private string Mark(int round, string name, string what) => Path.Combine(_sync, $"{round}.{name}.{what}");

    /// <summary>Arrives at round <paramref name="round"/> and waits for the other process to arrive too.</summary>
    public void Meet(int round)
    {
        File.Create(Mark(round, options.Name, "here")).Dispose();
        _waiting.Restart();
        while (!File.Exists(Mark(round, options.Other, "here")))
        {
            CheckTime(round);
            Thread.Sleep(1);
        }
    }

    public void Done(int round) => File.Create(Mark(round, options.Name, "done")).Dispose();

    public bool OtherDone(int round) => File.Exists(Mark(round, options.Other, "done"));

    /// <summary>Throws when the other process has kept this one waiting longer than <see cref="Patience"/>.</summary>
    public void CheckTime(int round)
    {
        if (!_waiting.IsRunning) _waiting.Start();
        if (_waiting.Elapsed > Patience) throw new TimeoutException($"{options.Name}: round {round}: {options.Other} did not come within {Patience.TotalSeconds} s");
    }
}
