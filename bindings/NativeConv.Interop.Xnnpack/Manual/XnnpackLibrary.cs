namespace NativeConv.Interop.Xnnpack;

/// <summary>
/// This assembly loads its own library: libnativeconv_xnnpack (XNNPACK with cpuinfo, FXdiv and pthreadpool's
/// API over OpenMP linked in; soname major 0, set by cmake/xnnpack/CMakeLists.txt), and before it the OpenMP
/// runtime that API runs on, the same copy oneDNN binds (<see cref="OpenMpRuntime"/>). The resolver is
/// registered by <see cref="Xnn"/>'s static constructor, so any first call finds it through <see cref="NativeLibrarySearch"/>.
/// </summary>
public static class XnnpackLibrary
{
    public static NativeLibraryDescription Xnnpack { get; } = new(Xnn.LibraryName, 0, [OpenMpRuntime.Description]);

    /// <summary>Registers this assembly's resolver (once).</summary>
    public static void Register() => NativeLibrarySearch.Register(typeof(XnnpackLibrary).Assembly, OpenMpRuntime.Description, Xnnpack);

    /// <summary>Loads the library now; throws <see cref="NativeLibraryLoadException"/> listing every path tried.</summary>
    public static void Load()
    {
        Register();
        NativeLibrarySearch.Load(Xnnpack);
    }
}
