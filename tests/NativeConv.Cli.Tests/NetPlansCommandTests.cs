using System.Text.Json;
using Xunit;

namespace NativeConv.Cli.Tests;

/// <summary>`net plans`: auto and each backend alone, timed in one process; what it reports, and what it refuses.</summary>
public class NetPlansCommandTests
{
    private static int Run(StringWriter output, params string[] flags) =>
        NetPlansCommand.Run(new CommandLine(["net", "plans", .. flags], 2, NetOptions.PlansFlags, NetOptions.PlansSwitches), output, TextWriter.Null);

    private static double Median(double[] values)
    {
        double[] sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    [Fact]
    public void Reports_auto_against_every_single_backend_plan_measured_in_the_same_rounds()
    {
        var output = new StringWriter();
        // A planning budget no loaded machine uses up (rounds stop at the planner's maximum), so auto reaches every backend.
        Assert.Equal(0, Run(output, "--model", "v3-small", "--layout", "nhwc", "--rounds", "3", "--block-ms", "2", "--planning-ms", "20000", "--json"));
        using JsonDocument report = JsonDocument.Parse(output.ToString());
        JsonElement root = report.RootElement;
        JsonElement[] single = root.GetProperty("single").EnumerateArray().ToArray();
        // Each native backend alone, operation by operation (with its fusions), and XNNPACK whole.
        Assert.Equal(["onednn", "xnnpack", "xnnpack whole runtime"], single.Select(s => s.GetProperty("plan").GetString()));
        Assert.Equal(3, root.GetProperty("rounds").GetInt32());
        // The reported figures are the rounds' own: each plan's median, the fastest alone, auto / it round by round.
        double[] Rounds(JsonElement e) => e.EnumerateArray().Select(r => r.GetDouble()).ToArray();
        double[] autoRounds = Rounds(root.GetProperty("auto_rounds_us"));
        Assert.Equal(3, autoRounds.Length);
        foreach (JsonElement s in single) Assert.Equal(Math.Round(Median(Rounds(s.GetProperty("rounds_us"))), 1), s.GetProperty("us").GetDouble(), 1);
        JsonElement best = single.MinBy(s => s.GetProperty("us").GetDouble());
        Assert.Equal(best.GetProperty("plan").GetString(), root.GetProperty("best_single").GetString());
        double[] bestRounds = Rounds(best.GetProperty("rounds_us"));
        double[] ratios = autoRounds.Zip(bestRounds, (a, b) => a / b).ToArray();
        // The report rounds each round's µs to 0.1 and each ratio to 0.001 (from unrounded times): the ratio recomputed here
        // from the printed times may differ by the first rounding carried through a / b and the second.
        double Slack(double ratio) => 0.0005 + ratio * (0.05 / autoRounds.Min() + 0.05 / bestRounds.Min());
        double median = Median(ratios), min = ratios.Min();
        Assert.InRange(root.GetProperty("ratio_median").GetDouble(), median - Slack(median), median + Slack(median));
        Assert.InRange(root.GetProperty("ratio_min").GetDouble(), min - Slack(min), min + Slack(min));
        // auto measured each backend alone among its candidates.
        string[] measured = root.GetProperty("auto_measured").EnumerateArray().Select(m => m.GetProperty("candidate").GetString()!).ToArray();
        Assert.Contains("onednn", measured);
        Assert.Contains("xnnpack", measured);
    }

    [Theory]
    [InlineData("--rounds", "0", "--rounds must be at least 1, not 0")]
    [InlineData("--block-ms", "0", "--block-ms must be above 0, not 0")]
    [InlineData("--block-ms", "NaN", "--block-ms must be above 0, not NaN")]
    [InlineData("--planning-ms", "-1", "--planning-ms must be a number of milliseconds, 0 or more, not '-1'")]
    [InlineData("--backend", "onednn", "unknown argument '--backend'")] // auto is what is compared
    public void Refuses_bad_arguments_by_name(string flag, string value, string message)
    {
        var e = Assert.Throws<ArgumentException>(() => Run(new StringWriter(), "--model", "v3-small", flag, value));
        Assert.StartsWith(message, e.Message);
    }
}
