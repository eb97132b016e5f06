using System.Runtime.InteropServices;

namespace NativeConv.Interop;

/// <summary>
/// What an interop assembly knows about one library it imports: the import name its <c>DllImport</c>s
/// use, the soname major version its file carries (what packages ship: they cannot carry symlinks),
/// the libraries to load before it (libgomp before oneDNN, so a copy shipped beside ours satisfies its
/// dependency), and whether the system's copy may stand in when ours is not found (true only for a
/// system runtime such as libgomp, never for our own libraries).
/// </summary>
/// <param name="ImportName">e.g. <c>nativeconv_dnnl</c>.</param>
/// <param name="Major">The soname's major version, e.g. 3 for <c>libnativeconv_dnnl.so.3</c>.</param>
/// <param name="Dependencies">Loaded, through the same search, before this library (those it needs on this system).</param>
/// <param name="SystemFallback">Whether the operating system's search follows a configured directory.</param>
/// <param name="WindowsFileName">The DLL's file name when it is not <c>&lt;ImportName&gt;.dll</c>: MinGW's runtime
/// DLLs carry their own (<c>libgomp-1.dll</c>), and Windows binds an import to an already loaded module by that
/// name only, so a copy loaded under any other name would be a second runtime.</param>
/// <param name="WindowsOnly">A library only Windows needs (MinGW's POSIX threads and GCC support DLLs, which
/// libgomp-1.dll imports): skipped as a dependency elsewhere.</param>
public sealed record NativeLibraryDescription(string ImportName, int Major, IReadOnlyList<NativeLibraryDescription> Dependencies,
    bool SystemFallback = false, string? WindowsFileName = null, bool WindowsOnly = false)
{
    /// <summary>The file names to try on this system, soname first, then the plain name.</summary>
    public IReadOnlyList<string> FileNames => FileNamesFor(
        OperatingSystem.IsWindows() ? OSPlatform.Windows : OperatingSystem.IsMacOS() ? OSPlatform.OSX : OSPlatform.Linux);

    /// <summary>The file names to try on <paramref name="platform"/> (Windows, OSX, or else Linux's).</summary>
    public IReadOnlyList<string> FileNamesFor(OSPlatform platform)
    {
        if (platform == OSPlatform.Windows) return [WindowsFileName ?? $"{ImportName}.dll"];
        if (platform == OSPlatform.OSX) return [$"lib{ImportName}.{Major}.dylib", $"lib{ImportName}.dylib"];
        return [$"lib{ImportName}.so.{Major}", $"lib{ImportName}.so"];
    }

    /// <summary>Whether this system needs the library (false for a <see cref="WindowsOnly"/> one elsewhere).</summary>
    public bool IsNeededHere => !WindowsOnly || OperatingSystem.IsWindows();
}
