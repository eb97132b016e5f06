namespace NativeConv;

/// <summary>
/// One way to run a network for an input shape: the backend of every operation (in the network's operation order;
/// each backend with its own fusions, such as oneDNN's residual sum, wherever neighbouring operations share it), how a
/// batch is split between threads, and whether the network runs as one native object. A value: compared, printed
/// (<see cref="ToString"/>, the one formatter), saved in plans.
/// </summary>
public sealed record Candidate
{
    public Candidate(IReadOnlyList<string> backends, BatchSplit split = BatchSplit.AllAtOnce, bool wholeRuntime = false)
    {
        ArgumentNullException.ThrowIfNull(backends);
        if (backends.Count == 0) throw new ArgumentException("a candidate names the backend of at least one operation", nameof(backends));
        if (backends.Any(string.IsNullOrWhiteSpace)) throw new ArgumentException("a backend name is empty", nameof(backends));
        Backends = backends.ToArray();
        Split = split;
        WholeRuntime = wholeRuntime;
    }

    /// <summary>The backend of each operation, in the network's operation order.</summary>
    public IReadOnlyList<string> Backends { get; }

    public BatchSplit Split { get; }

    /// <summary>The network runs as one native object of its one backend (XNNPACK's subgraph runtime).</summary>
    public bool WholeRuntime { get; }

    /// <summary>Every operation on one backend.</summary>
    public static Candidate Single(string backend, int operations, bool wholeRuntime = false) =>
        new(Enumerable.Repeat(backend, operations).ToArray(), BatchSplit.AllAtOnce, wholeRuntime);

    /// <summary>The backends it uses, in order of first use.</summary>
    public IReadOnlyList<string> Libraries => Backends.Distinct().ToArray();

    /// <summary>Whether the operations run on more than one backend.</summary>
    public bool IsMixed => Libraries.Count > 1;

    public Candidate WithSplit(BatchSplit split) => new(Backends, split, WholeRuntime);

    public bool Equals(Candidate? other) =>
        other is not null && Split == other.Split && WholeRuntime == other.WholeRuntime && Backends.SequenceEqual(other.Backends, StringComparer.Ordinal);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Split);
        hash.Add(WholeRuntime);
        foreach (string backend in Backends) hash.Add(backend, StringComparer.Ordinal);
        return hash.ToHashCode();
    }

    /// <summary>"onednn", "xnnpack whole runtime", "mixed (onednn 41, xnnpack 12)", with ", images across threads" when split.</summary>
    public override string ToString()
    {
        string backends = IsMixed
            ? "mixed (" + string.Join(", ", Libraries.Select(l => $"{l} {Backends.Count(b => b == l)}")) + ")"
            : Backends[0] + (WholeRuntime ? " whole runtime" : "");
        return Split switch
        {
            BatchSplit.AllAtOnce => backends,
            BatchSplit.ImagesAcrossThreads => backends + ", images across threads",
            _ => backends + $", batch split {(int)Split} (unknown)", // printed, never run: NetworkPlan.CheckFits refuses it
        };
    }
}
