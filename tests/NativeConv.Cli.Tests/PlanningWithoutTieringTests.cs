using System.Diagnostics;
using System.Text.Json;
using Xunit;

namespace NativeConv.Cli.Tests;

/// <summary>
/// With the JIT's tiering off (a process-wide setting, so a process of its own) auto plans without waiting for the
/// JIT and still chooses among its candidates and runs the network.
/// </summary>
public class PlanningWithoutTieringTests
{
    [Theory]
    [InlineData("DOTNET_TieredCompilation", "0")]
    [InlineData("COMPlus_TieredCompilation", "0")]
    public async Task Auto_plans_and_runs_in_a_process_without_tiering(string variable, string value)
    {
        string cli = Path.Combine(AppContext.BaseDirectory, "NativeConv.Cli.dll");
        var start = new ProcessStartInfo("dotnet", [cli, "net", "bench", "--model", "v3-small", "--layout", "nhwc", "--min-ms", "20", "--json"])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        };
        start.Environment[variable] = value;
        using Process process = Process.Start(start)!;
        Task<string> error = process.StandardError.ReadToEndAsync();
        string output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}: {await error}");
        using JsonDocument report = JsonDocument.Parse(output);
        Assert.Equal("auto", report.RootElement.GetProperty("backend").GetString());
        // One of the candidates: a library alone (fused, whole, or with per-operation thread counts) or the mix, possibly
        // with the work shared between threads after a comma ("mixed, rows across threads for 1 operations").
        string plan = report.RootElement.GetProperty("plan").GetString()!;
        string candidate = plan.Split(", ")[0];
        Assert.True(candidate == "mixed" || candidate.StartsWith("onednn", StringComparison.Ordinal) || candidate.StartsWith("xnnpack", StringComparison.Ordinal), plan);
        Assert.True(report.RootElement.GetProperty("median_us").GetDouble() > 0);
    }
}
