using BenchmarkDotNet.Running;

// dotnet run -c Release -- --filter '*' [--job short]   (build/benchmarks.sh runs the documented short job)
BenchmarkSwitcher.FromAssembly(typeof(NativeConv.Benchmarks.LayerBenchmarks).Assembly).Run(args);
