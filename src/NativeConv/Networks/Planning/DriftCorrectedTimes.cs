namespace NativeConv;

/// <summary>
/// One time per candidate from interleaved rounds on a machine whose speed drifts within seconds (a shared VM:
/// docs/benchmarks.md, Measured by hand: The VM's speed drift): each candidate's time relative to the round's median
/// candidate, its median over the rounds, times the typical round's median. A slow stretch slows every candidate in its
/// round alike and cancels; one candidate's unlucky block is outvoted by its other rounds. (The fastest of a
/// candidate's runs, used before, rewarded the candidate whose runs spread the most: v3-small chose XNNPACK's graph,
/// slower in steady use than oneDNN alone; docs/benchmarks.md, Measured by hand: Planning on each candidate's fastest
/// run.)
/// </summary>
internal static class DriftCorrectedTimes
{
    /// <summary><paramref name="microseconds"/>[candidate][round]: every candidate timed once per round.</summary>
    public static double[] Estimate(IReadOnlyList<double[]> microseconds)
    {
        if (microseconds.Count == 0) throw new ArgumentException("no candidate", nameof(microseconds));
        int rounds = microseconds[0].Length;
        if (rounds == 0 || microseconds.Any(c => c.Length != rounds))
            throw new ArgumentException("every candidate needs the same number of rounds, at least one", nameof(microseconds));
        var roundMedians = new double[rounds];
        for (int r = 0; r < rounds; r++) roundMedians[r] = Median(microseconds.Select(c => c[r]));
        double typicalRound = Median(roundMedians);
        return microseconds.Select(c => typicalRound * Median(c.Select((us, r) => us / roundMedians[r]))).ToArray();
    }

    internal static double Median(IEnumerable<double> values)
    {
        double[] sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
