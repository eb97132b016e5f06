namespace NativeConv.PlanRace;

/// <summary>
/// What one process saw: per outcome, the rounds ("followed": read the other's plan file and ran it; "measured": found
/// no file, measured and wrote one; "unreadable": found a file it could not read, with the network's reason in
/// <see cref="Problems"/>), or for the in-place writer the writes it made.
/// </summary>
internal sealed record RaceResult(string Name, string Writer, int Rounds, IReadOnlyDictionary<string, int> Counts, IReadOnlyList<string> Problems, double Seconds);
