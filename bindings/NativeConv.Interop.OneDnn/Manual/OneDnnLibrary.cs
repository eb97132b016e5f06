namespace NativeConv.Interop.OneDnn;

/// <summary>
/// This assembly loads its own libraries: oneDNN, and before it the OpenMP runtime it is linked
/// against (a libgomp shipped beside it is preferred, so the dynamic linker then uses that copy; the
/// system's may stand in). The resolver is registered by <see cref="Dnnl"/>'s and <see cref="Omp"/>'s
/// static constructors, so any first call finds the library through <see cref="NativeLibrarySearch"/>.
/// </summary>
public static class OneDnnLibrary
{
    /// <summary>libgomp (soname major 1), shared with XNNPACK (<see cref="OpenMpRuntime"/>).</summary>
    public static NativeLibraryDescription OpenMp => OpenMpRuntime.Description;

    /// <summary>libnativeconv_dnnl (nativeconv_dnnl.dll on Windows), whose soname major follows oneDNN's major version.</summary>
    public static NativeLibraryDescription OneDnn { get; } = new(Dnnl.LibraryName, Dnnl.DNNL_VERSION_MAJOR, [OpenMp]);

    /// <summary>Registers this assembly's resolver (once).</summary>
    public static void Register() => NativeLibrarySearch.Register(typeof(OneDnnLibrary).Assembly, OpenMp, OneDnn);

    /// <summary>Loads OpenMP then oneDNN now; throws <see cref="NativeLibraryLoadException"/> listing every path tried.</summary>
    public static void Load()
    {
        Register();
        NativeLibrarySearch.Load(OneDnn);
    }
}
