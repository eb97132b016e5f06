using System.Runtime.InteropServices;

namespace NativeConv.Testing;

/// <summary>The process's resident memory, as the soak tests sample it.</summary>
public static partial class ResidentMemory
{
    /// <summary>
    /// Anonymous resident bytes (<c>/proc/self/statm</c>: resident minus shared pages) once both allocators have handed
    /// back what they hold free. Anonymous memory is where a leak grows (heaps, native allocations, stacks); the shared
    /// pages are mapped files the kernel pages in and out (libraries, assemblies) and the runtime's JIT code (double
    /// mapped for W^X), which grows while tiering finishes. Before reading: a full, compacting collection that also
    /// releases the collector's free regions (otherwise given back over seconds, so the count would depend on timing),
    /// after the finalizers; then glibc's free pages in every arena (<c>malloc_trim</c>). What is left is what the code keeps.
    /// </summary>
    public static long Bytes()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        if (OperatingSystem.IsLinux()) MallocTrim(0);
        // statm: size resident shared text lib data dt, in pages.
        string[] fields = File.ReadAllText("/proc/self/statm").Split(' ');
        return (long.Parse(fields[1]) - long.Parse(fields[2])) * Environment.SystemPageSize;
    }

    [LibraryImport("libc", EntryPoint = "malloc_trim")]
    private static partial int MallocTrim(nuint pad);
}
