using Xunit;

namespace NativeConv.Cli.Tests;

/// <summary>`net bench --plan-dir D`: the first run measures and keeps the plan in D, the next follows it; only with auto.</summary>
public class NetPlanDirectoryTests
{
    private static string Bench(params string[] flags)
    {
        var log = new StringWriter();
        Assert.Equal(0, NetBenchCommand.Run(NetOptions.Parse(new CommandLine(["net", "bench", .. flags], 2, NetOptions.BenchFlags, NetOptions.BenchSwitches), run: false),
            new StringWriter(), log));
        return log.ToString();
    }

    [Fact]
    public void The_first_run_measures_and_keeps_the_plan_and_the_next_follows_it()
    {
        string directory = Directory.CreateTempSubdirectory("nativeconv-plan-dir-").FullName;
        try
        {
            string[] flags = ["--model", "v3-small", "--layout", "nhwc", "--min-ms", "20", "--plan-dir", directory];
            Assert.Contains($"--plan-dir: measured, and kept in {directory}", Bench(flags));
            string file = Path.GetFileName(Assert.Single(Directory.GetFiles(directory)));
            Assert.Contains($"--plan-dir: followed {file}, not measured", Bench(flags));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void A_plan_directory_needs_auto()
    {
        var e = Assert.Throws<ArgumentException>(() => Bench("--model", "v3-small", "--backend", "onednn", "--plan-dir", "plans"));
        Assert.StartsWith("--plan-dir needs --backend auto", e.Message);
    }
}
