namespace NativeConv.Cli;

/// <summary>`nativeconv info`: versions, where the native libraries were loaded from, CPU ISA, threads, backends.</summary>
internal static class InfoCommand
{
    public static int Run(int threads)
    {
        using var backends = new ConvBackends(new NativeConvOptions { Threads = threads });
        Console.WriteLine($"NativeConv on .NET {Environment.Version}, {NativeLibraryLoader.RuntimeIdentifier}, {Environment.ProcessorCount} processors");
        foreach (string name in ConvBackends.Names)
        {
            if (!backends.TryGet(name, out IConvBackend? backend, out string? reason))
            {
                Console.WriteLine($"  {name,-9} unavailable: {reason}");
                continue;
            }
            string detail = backend switch
            {
                OneDnnBackend o => $"oneDNN {o.Version}, CPU ISA {o.CpuIsa}, {o.Threads} OpenMP threads",
                XnnpackBackend x => $"XNNPACK {XnnpackBackend.Version}, pthreadpool of {x.Threads} threads",
                _ => "pure C#, double accumulation",
            };
            Console.WriteLine($"  {name,-9} available: {detail}");
        }
        foreach (var (library, path) in NativeLibraryLoader.LoadedFrom.OrderBy(p => p.Key))
            Console.WriteLine($"  loaded {library} from {path}");
        return 0;
    }
}
