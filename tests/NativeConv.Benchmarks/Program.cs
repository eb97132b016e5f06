using BenchmarkDotNet.Running;
using NativeConv.Benchmarks;

// build/benchmarks.sh runs the documented short job:   dotnet run -c Release -- --short ARTIFACTS_DIR [--filter ...]
// XNNPACK's channel shuffle against the managed kernel:   dotnet run -c Release -- --channels [rounds]
// Anything else goes to BenchmarkDotNet as usual:      dotnet run -c Release -- --filter '*' [--job short]
// The resize's mechanisms, interleaved in one process:            dotnet run -c Release -- --resize [ROUNDS [THREADS]]
if (args.Length >= 1 && args[0] == "--resize")
{
    ResizeMeasurement.Run(args[1..]);
    return;
}
// PyTorch's NaN/±inf semantics against the library's, and a non-finite call's cost:  dotnet run -c Release -- --nonfinite [ROUNDS [THREADS]]
if (args.Length >= 1 && args[0] == "--nonfinite")
{
    NonFiniteMeasurement.Run(args[1..]);
    return;
}
if (args.Length >= 1 && args[0] == "--channels")
{
    ChannelOperationComparison.Run(args.Length >= 2 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 25);
    return;
}
// Pool kernels against the managed pass (a Stopwatch harness, interleaved): dotnet run -c Release -- pool [ROUNDS] [THREADS]
// The activations' one-off measurements (not BenchmarkDotNet):  dotnet run -c Release -- --activation-errors | --activations
var switcher = BenchmarkSwitcher.FromAssembly(typeof(LayerBenchmarks).Assembly);
if (args.Length >= 1 && args[0] == "pool")
    PoolTimings.Run(args[1..]);
else if (args.Length >= 1 && args[0] == "--activation-errors")
    ActivationErrorMeasurement.Run(args[1..]);
else if (args.Length >= 1 && args[0] == "--activations")
    ActivationTimings.Run(args[1..]);
else if (args.Length >= 2 && args[0] == "--short")
    switcher.Run(args[2..], ShortJobConfig.Create(args[1]));
else
    switcher.Run(args);
