using BenchmarkDotNet.Running;
using NativeConv.Benchmarks;

// build/benchmarks.sh runs the documented short job:   dotnet run -c Release -- --short ARTIFACTS_DIR [--filter ...]
// Anything else goes to BenchmarkDotNet as usual:      dotnet run -c Release -- --filter '*' [--job short]
// The resize's mechanisms, interleaved in one process:            dotnet run -c Release -- --resize [ROUNDS [THREADS]]
if (args.Length >= 1 && args[0] == "--resize")
{
    ResizeMeasurement.Run(args[1..]);
    return;
}
var switcher = BenchmarkSwitcher.FromAssembly(typeof(LayerBenchmarks).Assembly);
if (args.Length >= 2 && args[0] == "--short")
    switcher.Run(args[2..], ShortJobConfig.Create(args[1]));
else
    switcher.Run(args);
