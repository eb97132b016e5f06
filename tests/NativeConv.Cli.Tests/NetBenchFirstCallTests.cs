using System.Text.Json;
using Xunit;

namespace NativeConv.Cli.Tests;

/// <summary>
/// `net bench` reports its first call apart (the shape's native state, and auto's planning within its budget): what a
/// service pays once per shape, beside the steady median. Only that it is reported and what auto chose; how long it
/// takes is the benchmarks' business.
/// </summary>
public class NetBenchFirstCallTests
{
    private static string Bench(params string[] flags)
    {
        var output = new StringWriter();
        Assert.Equal(0, NetBenchCommand.Run(NetOptions.Parse(new CommandLine(["net", "bench", .. flags], 2, NetOptions.BenchFlags, NetOptions.BenchSwitches), run: false),
            output, TextWriter.Null));
        return output.ToString();
    }

    [Theory]
    [InlineData("auto", "onednn")]
    [InlineData("onednn", "onednn")]
    [InlineData("xnnpack", "xnnpack")]
    public void The_json_report_has_the_first_call_time_and_the_plan(string backend, string named)
    {
        using JsonDocument report = JsonDocument.Parse(Bench("--model", "v3-small", "--backend", backend, "--min-ms", "20", "--json"));
        Assert.True(report.RootElement.GetProperty("first_call_ms").GetDouble() > 0);
        Assert.True(report.RootElement.GetProperty("median_us").GetDouble() > 0);
        Assert.Equal(backend, report.RootElement.GetProperty("backend").GetString());
        string plan = report.RootElement.GetProperty("plan").GetString()!;
        if (backend != "auto") Assert.Equal(named, plan); // one backend: every operation on it
        else Assert.True(plan is "onednn" or "xnnpack" || plan.StartsWith("mixed (", StringComparison.Ordinal), plan);
    }

    [Fact]
    public void The_text_report_names_the_first_call()
    {
        Assert.Matches(@"µs per call, [0-9.]+ images/s; first call [0-9.]+ ms", Bench("--model", "v3-small", "--backend", "xnnpack", "--min-ms", "20"));
    }

    [Fact]
    public void A_planning_budget_that_is_not_one_is_refused_naming_the_flag()
    {
        var e = Assert.Throws<ArgumentException>(() => Bench("--model", "v3-small", "--planning-ms", "soon"));
        Assert.Contains("--planning-ms must be a number of milliseconds, 0 or more, not 'soon'", e.Message);
    }

    [Fact]
    public void Int8_which_plans_nothing_on_its_first_call_reports_none()
    {
        using JsonDocument report = JsonDocument.Parse(Bench("--model", "v2", "--precision", "int8", "--backend", "onednn", "--min-ms", "20", "--json"));
        Assert.Equal(JsonValueKind.Null, report.RootElement.GetProperty("first_call_ms").ValueKind);
    }
}
