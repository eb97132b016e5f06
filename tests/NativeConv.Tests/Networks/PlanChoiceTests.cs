using Xunit;

namespace NativeConv.Tests;

/// <summary>
/// The planner's choice from its estimates: the fastest backend alone, unless the mix beats it by more than both the
/// mix's margin and the margin the rounds could resolve; with too few rounds to judge the noise, never the mix.
/// </summary>
public class PlanChoiceTests
{
    [Theory]
    [InlineData(new[] { 1000.0, 1200.0 }, 2, null, 0)] // the faster backend alone
    [InlineData(new[] { 1300.0, 1200.0 }, 2, null, 1)]
    [InlineData(new[] { 1000.0, 1200.0, 900.0 }, 2, null, 0)] // no margin measured: the mix is not chosen, however fast
    [InlineData(new[] { 1000.0, 1200.0, 900.0 }, 2, 0.05, 2)] // 10% ahead, margin 5%: the mix
    [InlineData(new[] { 1000.0, 1200.0, 960.0 }, 2, 0.05, 0)] // 4% ahead, margin 5%: a tie, the backend alone
    [InlineData(new[] { 1000.0, 1200.0, 995.0 }, 2, 0.002, 0)] // 0.5% ahead: under the mix's own 1% margin
    [InlineData(new[] { 1000.0, 1200.0, 985.0 }, 2, 0.002, 2)] // 1.5% ahead of a 0.2% margin
    [InlineData(new[] { 1200.0, 1000.0, 900.0 }, 2, 0.05, 2)] // measured against the fastest alone, whichever it is
    [InlineData(new[] { 1200.0, 1000.0, 960.0 }, 2, 0.05, 1)]
    public void The_mix_is_chosen_only_beyond_the_margins(double[] estimates, int singles, double? margin, int expected) =>
        Assert.Equal(expected, Planner.Choose(estimates, singles, margin));
}
