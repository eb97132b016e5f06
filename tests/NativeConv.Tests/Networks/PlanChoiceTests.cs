using Xunit;

namespace NativeConv.Tests;

/// <summary>
/// Which measured candidate a plan keeps: the fastest plain plan (a configured backend alone, fused or not) unless
/// another candidate beats it by more than its margin (1% for the library mix, 5% for the rest); the library mix only when allowed.
/// </summary>
public class PlanChoiceTests
{
    private static readonly HashSet<string> Plain = ["onednn", "onednn+sum", "xnnpack"];

    private static string Choose(bool allowMixed = false, params (string Name, double Us)[] measured) =>
        NetworkPlanner.Choose(measured.ToDictionary(m => m.Name, m => m.Us), Plain, allowMixed);

    [Fact]
    public void The_fastest_plain_plan_wins_among_plain_plans() =>
        Assert.Equal("onednn+sum", Choose(false, ("onednn", 1000), ("onednn+sum", 990), ("xnnpack", 1100)));

    [Theory]
    [InlineData(960, "onednn")] // 4% faster: within the short runs' spread, the plain plan stays
    [InlineData(950, "onednn")] // exactly the margin: not more than it
    [InlineData(940, "onednn+sum threads per op")] // 6% faster: chosen
    public void Another_candidate_must_beat_the_fastest_plain_plan_by_more_than_the_margin(double composite, string expected)
    {
        Assert.Equal(0.05, NetworkPlanner.CompositeMargin);
        Assert.Equal(expected, Choose(false, ("onednn", 1000), ("xnnpack", 1200), ("onednn+sum threads per op", composite), ("onednn/1", 2000)));
    }

    [Fact]
    public void The_mix_is_chosen_only_when_allowed_and_then_only_by_its_margin()
    {
        Assert.Equal(0.01, NetworkPlanner.MixMargin);
        Assert.Equal("onednn", Choose(false, ("onednn", 1000), ("xnnpack", 1100), (NetworkPlanner.Mixed, 500)));
        Assert.Equal(NetworkPlanner.Mixed, Choose(true, ("onednn", 1000), ("xnnpack", 1100), (NetworkPlanner.Mixed, 500)));
        Assert.Equal("onednn", Choose(true, ("onednn", 1000), ("xnnpack", 1100), (NetworkPlanner.Mixed, 995))); // within 1%: the plain plan stays
        Assert.Equal(NetworkPlanner.Mixed, Choose(true, ("onednn", 1000), ("xnnpack", 1100), (NetworkPlanner.Mixed, 970))); // 3% faster: chosen
    }

    [Fact]
    public void A_mix_that_clears_its_margin_wins_over_a_faster_candidate_that_does_not_clear_its_own()
    {
        // threads per op 4% faster (short of 5%), the mix 3% faster (more than 1%): the mix.
        Assert.Equal(NetworkPlanner.Mixed, Choose(true, ("onednn", 1000), (NetworkPlanner.Mixed, 970), ("onednn threads per op", 960)));
        // Without the mix allowed, neither: the plain plan.
        Assert.Equal("onednn", Choose(false, ("onednn", 1000), (NetworkPlanner.Mixed, 970), ("onednn threads per op", 960)));
    }

    [Fact]
    public void Without_a_plain_candidate_the_fastest_one_is_kept() =>
        Assert.Equal("onednn/1", Choose(false, ("onednn/1", 900), ("xnnpack/1", 1000)));
}
