using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Exporters.Json;
using Perfolizer.Horology;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace NativeConv.Benchmarks;

/// <summary>
/// The documented short job (build/benchmarks.sh): every layer x backend x layout x thread count in
/// well under 15 minutes. In-process, so no per-benchmark build or process start; 2 warm-up and 7
/// measured iterations of about 50 ms each, reported as the median. The native thread pools stay
/// alive across benchmarks, as they would in an application.
/// </summary>
internal static class ShortJobConfig
{
    public static IConfig Create(string artifactsPath) =>
        ManualConfig.CreateEmpty()
            .AddJob(Job.Default
                .WithToolchain(InProcessEmitToolchain.Instance)
                .WithLaunchCount(1)
                .WithWarmupCount(2)
                .WithIterationCount(7)
                .WithIterationTime(TimeInterval.FromMilliseconds(50))
                .WithId("short"))
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddColumnProvider(DefaultColumnProviders.Instance)
            .AddColumn(StatisticColumn.Median)
            .AddLogger(BenchmarkDotNet.Loggers.ConsoleLogger.Default)
            .AddExporter(MarkdownExporter.GitHub, JsonExporter.Full)
            // Layer names are up to ~25 characters; BenchmarkDotNet's default 20 would shorten them to
            // "v1 pw(...)12@14 [21]" in the results, which build/benchmarks/report.py joins on.
            .WithSummaryStyle(SummaryStyle.Default.WithMaxParameterColumnWidth(64))
            .WithArtifactsPath(artifactsPath)
            .WithOptions(ConfigOptions.DisableLogFile);
}
