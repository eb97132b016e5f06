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
/// <param name="Dependencies">Loaded, through the same search, before this library.</param>
/// <param name="SystemFallback">Whether the operating system's search follows a configured directory.</param>
public sealed record NativeLibraryDescription(string ImportName, int Major, IReadOnlyList<NativeLibraryDescription> Dependencies,
    bool SystemFallback = false)
{
    /// <summary>The file names to try, soname first, then the plain name.</summary>
    public IReadOnlyList<string> FileNames
    {
        get
        {
            if (OperatingSystem.IsWindows()) return [$"{ImportName}.dll"];
            if (OperatingSystem.IsMacOS()) return [$"lib{ImportName}.{Major}.dylib", $"lib{ImportName}.dylib"];
            return [$"lib{ImportName}.so.{Major}", $"lib{ImportName}.so"];
        }
    }
}
