using System.Text.Json;
using Xunit;

namespace NativeConv.Cli.Tests;

/// <summary>
/// `net bench` reports its first call apart (the shape's native state, and auto's planning with --planning first-call),
/// and the calls until the plan was chosen (auto measuring over them, by default): what a service pays once per shape,
/// beside the steady median. Only that it is reported; how long it takes is the benchmarks' business.
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
    [InlineData("auto")]
    [InlineData("onednn")]
    public void The_json_report_has_the_first_call_time(string backend)
    {
        using JsonDocument report = JsonDocument.Parse(Bench("--model", "v3-small", "--backend", backend, "--min-ms", "20", "--json"));
        double first = report.RootElement.GetProperty("first_call_ms").GetDouble();
        Assert.True(first > 0, $"first_call_ms {first}");
        Assert.True(report.RootElement.GetProperty("median_us").GetDouble() > 0);
        int calls = report.RootElement.GetProperty("planning_calls").GetInt32();
        double total = report.RootElement.GetProperty("planning_ms").GetDouble(), slowest = report.RootElement.GetProperty("slowest_planning_call_ms").GetDouble();
        // One backend has nothing to measure: its first call runs it. auto measures over more calls than one.
        if (backend == "auto") Assert.True(calls > 1, $"auto chose after {calls} call");
        else Assert.Equal(1, calls);
        Assert.True(slowest >= first && total >= slowest, $"first {first} ms, slowest {slowest} ms, all {total} ms");
    }

    [Fact]
    public void First_call_planning_chooses_in_the_first_call()
    {
        using JsonDocument report = JsonDocument.Parse(Bench("--model", "v3-small", "--backend", "auto", "--planning", "first-call", "--min-ms", "20", "--json"));
        Assert.Equal(1, report.RootElement.GetProperty("planning_calls").GetInt32());
    }

    [Fact]
    public void A_planning_mode_that_is_not_one_is_refused_naming_the_flag()
    {
        var e = Assert.Throws<ArgumentException>(() => Bench("--model", "v3-small", "--planning", "later"));
        Assert.Contains("--planning must be while-serving or first-call, not 'later'", e.Message);
    }

    [Fact]
    public void The_text_report_names_the_first_call()
    {
        Assert.Matches(@"µs per call, [0-9.]+ images/s; first call [0-9.]+ ms; plan chosen after 1 call, [0-9.]+ ms, the slowest [0-9.]+ ms", Bench("--model", "v3-small", "--backend", "xnnpack", "--min-ms", "20"));
    }

    [Fact]
    public void Int8_which_plans_nothing_on_its_first_call_reports_none()
    {
        using JsonDocument report = JsonDocument.Parse(Bench("--model", "v2", "--precision", "int8", "--backend", "onednn", "--min-ms", "20", "--json"));
        Assert.Equal(JsonValueKind.Null, report.RootElement.GetProperty("first_call_ms").ValueKind);
    }
}
