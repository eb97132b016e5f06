namespace NativeConv.Interop;

/// <summary>
/// libgomp, the OpenMP runtime both native libraries run their threads on: oneDNN directly, XNNPACK
/// through pthreadpool's API implemented over OpenMP (cmake/xnnpack/openmp-pthreadpool.c). Each
/// interop assembly loads it before its own library, from beside it when shipped, so both bind the same
/// copy and their loops share one thread team; the system's copy may stand in.
/// On Windows it is MinGW-w64's <c>libgomp-1.dll</c>, loaded under exactly that name (the name our DLLs import
/// it by: Windows binds their imports to the module already loaded under it, where a copy under another name
/// would be a second OpenMP runtime with its own threads), after the two MinGW DLLs it imports.
/// </summary>
public static class OpenMpRuntime
{
    /// <summary>MinGW-w64's POSIX threads (Windows only): libgomp-1.dll, libgcc_s_seh-1.dll and our DLLs import it.</summary>
    public static NativeLibraryDescription WinPthreads { get; } =
        new("winpthread", 1, [], SystemFallback: true, WindowsFileName: "libwinpthread-1.dll", WindowsOnly: true);

    /// <summary>GCC's support library as a DLL (Windows only): libgomp-1.dll imports it (our DLLs link it statically).</summary>
    public static NativeLibraryDescription GccSupport { get; } =
        new("gcc_s_seh", 1, [WinPthreads], SystemFallback: true, WindowsFileName: "libgcc_s_seh-1.dll", WindowsOnly: true);

    /// <summary>libgomp (soname major 1; <c>libgomp-1.dll</c> on Windows).</summary>
    public static NativeLibraryDescription Description { get; } =
        new("gomp", 1, [GccSupport], SystemFallback: true, WindowsFileName: "libgomp-1.dll");
}
