using NativeConv.Interop;
namespace NativeConv.Cli;

/// <summary>`nativeconv info`: versions, where the native libraries were loaded from, CPU ISA, threads, backends.</summary>
internal static class InfoCommand
{
    public static int Run(int threads)
    {
        using var backends = new ConvBackends(new NativeConvOptions { Threads = threads });
        Console.WriteLine($"NativeConv on .NET {Environment.Version}, {NativeLibrarySearch.RuntimeIdentifier}, {Environment.ProcessorCount} processors");
        foreach (string name in backends.Names)
        {
            if (!backends.TryGet(name, out ConvBackend? backend, out string? reason))
            {
                Console.WriteLine($"  {name,-9} unavailable: {reason}");
                continue;
            }
            Console.WriteLine($"  {name,-9} available: {backend!.Summary}");
        }
        foreach (var (library, path) in NativeLibrarySearch.LoadedFrom.OrderBy(p => p.Key))
            Console.WriteLine($"  loaded {library} from {path}");
        return 0;
    }
}
