using Xunit;

namespace NativeConv.Tests;

/// <summary>The planner's time per candidate: a slow stretch that slows a whole round cancels; one unlucky block is outvoted.</summary>
public class DriftCorrectedTimesTests
{
    [Fact]
    public void A_round_slowed_as_a_whole_changes_nothing()
    {
        // Three candidates at 100, 110 and 200 µs; the machine runs at 1x, 2x slower, 1.5x slower, 1x in the four rounds.
        double[] speed = [1, 2, 1.5, 1];
        double[][] times = [speed.Select(s => 100 * s).ToArray(), speed.Select(s => 110 * s).ToArray(), speed.Select(s => 200 * s).ToArray()];
        double[] estimates = DriftCorrectedTimes.Estimate(times);
        // Relative to the round's median candidate (110 x speed), times the typical round's median (median of 110, 220, 165, 110 = 137.5).
        Assert.Equal([100 / 110.0 * 137.5, 137.5, 200 / 110.0 * 137.5], estimates, (a, b) => Math.Abs(a - b) < 1e-9);
    }

    [Fact]
    public void One_unlucky_block_does_not_make_a_candidate_lose()
    {
        // The fastest candidate (90) hit once by a neighbour's burst (5x); the fastest of its runs would not notice, and
        // neither may the median of its five rounds.
        double[][] times = [[90, 90, 450, 90, 90], [100, 100, 100, 100, 100], [120, 120, 120, 120, 120]];
        double[] estimates = DriftCorrectedTimes.Estimate(times);
        Assert.True(estimates[0] < estimates[1] && estimates[1] < estimates[2], string.Join(", ", estimates));
    }

    [Fact]
    public void A_candidate_whose_runs_spread_does_not_win_by_its_one_lucky_run()
    {
        // The fastest of each one's runs chose the spread one (60 < 100); its typical run is 150.
        double[][] times = [[100, 100, 100, 100, 100], [60, 150, 150, 150, 160]];
        double[] estimates = DriftCorrectedTimes.Estimate(times);
        Assert.True(estimates[0] < estimates[1], string.Join(", ", estimates));
    }

    [Fact]
    public void Rounds_must_match()
    {
        Assert.Throws<ArgumentException>(() => DriftCorrectedTimes.Estimate([[1, 2], [1]]));
        Assert.Throws<ArgumentException>(() => DriftCorrectedTimes.Estimate([]));
        Assert.Throws<ArgumentException>(() => DriftCorrectedTimes.Estimate([[], []]));
    }
}
