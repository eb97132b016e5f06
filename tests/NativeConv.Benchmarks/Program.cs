using BenchmarkDotNet.Running;
using NativeConv.Benchmarks;

// build/benchmarks.sh runs the documented short job:   dotnet run -c Release -- --short ARTIFACTS_DIR [--filter ...]
// Anything else goes to BenchmarkDotNet as usual:      dotnet run -c Release -- --filter '*' [--job short]
// The activations' one-off measurements (not BenchmarkDotNet):  dotnet run -c Release -- --activation-errors | --activations
var switcher = BenchmarkSwitcher.FromAssembly(typeof(LayerBenchmarks).Assembly);
if (args.Length >= 1 && args[0] == "--activation-errors")
    ActivationErrorMeasurement.Run(args[1..]);
else if (args.Length >= 1 && args[0] == "--activations")
    ActivationTimings.Run(args[1..]);
else if (args.Length >= 2 && args[0] == "--short")
    switcher.Run(args[2..], ShortJobConfig.Create(args[1]));
else
    switcher.Run(args);
