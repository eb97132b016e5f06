using System.Text.Json;
using Xunit;

namespace NativeConv.Cli.Tests;

/// <summary>`net plans`: auto and each backend alone, timed in one process; what it reports, and what it refuses.</summary>
public class NetPlansCommandTests
{
    private static int Run(StringWriter output, params string[] flags) =>
        NetPlansCommand.Run(new CommandLine(["net", "plans", .. flags], 2, NetOptions.PlansFlags, NetOptions.PlansSwitches), output, TextWriter.Null);

    [Fact]
    public void Reports_auto_against_every_single_backend_plan_measured_in_the_same_rounds()
    {
        var output = new StringWriter();
        Assert.Equal(0, Run(output, "--model", "v3-small", "--layout", "nhwc", "--rounds", "3", "--block-ms", "2", "--json"));
        using JsonDocument report = JsonDocument.Parse(output.ToString());
        JsonElement root = report.RootElement;
        string[] single = root.GetProperty("single").EnumerateArray().Select(s => s.GetProperty("plan").GetString()!).ToArray();
        // Each native backend alone, operation by operation (oneDNN with its residual sums fused), and XNNPACK whole.
        Assert.Equal(["onednn+sum", "xnnpack", "xnnpack graph"], single);
        Assert.All(root.GetProperty("single").EnumerateArray(), s => Assert.True(s.GetProperty("us").GetDouble() > 0));
        Assert.Contains(root.GetProperty("best_single").GetString(), single);
        Assert.False(string.IsNullOrEmpty(root.GetProperty("auto_plan").GetString()));
        Assert.True(root.GetProperty("auto_us").GetDouble() > 0);
        Assert.Equal(3, root.GetProperty("rounds").GetInt32());
        double low = root.GetProperty("ratio_min").GetDouble(), median = root.GetProperty("ratio_median").GetDouble(), high = root.GetProperty("ratio_max").GetDouble();
        Assert.True(0 < low && low <= median && median <= high, $"ratios {low} <= {median} <= {high}");
    }

    [Theory]
    [InlineData("--rounds", "0", "--rounds must be at least 1, not 0")]
    [InlineData("--block-ms", "0", "--block-ms must be above 0, not 0")]
    [InlineData("--block-ms", "NaN", "--block-ms must be above 0, not NaN")]
    [InlineData("--backend", "onednn", "unknown argument '--backend'")] // auto is what is compared
    public void Refuses_bad_arguments_by_name(string flag, string value, string message)
    {
        var e = Assert.Throws<ArgumentException>(() => Run(new StringWriter(), "--model", "v3-small", flag, value));
        Assert.StartsWith(message, e.Message);
    }
}
