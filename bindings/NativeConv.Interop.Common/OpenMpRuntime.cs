namespace NativeConv.Interop;

/// <summary>
/// libgomp, the OpenMP runtime both native libraries run their threads on: oneDNN directly, XNNPACK
/// through pthreadpool's API implemented over OpenMP (cmake/xnnpack/openmp-pthreadpool.c). Each
/// interop assembly loads it before its own library, from beside it when shipped, so both bind the same
/// copy and their loops share one thread team; the system's copy may stand in.
/// </summary>
public static class OpenMpRuntime
{
    /// <summary>libgomp (soname major 1).</summary>
    public static NativeLibraryDescription Description { get; } = new("gomp", 1, [], SystemFallback: true);
}
