using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.InteropServices;

namespace NativeConv.Interop;

/// <summary>
/// Finds and loads NativeConv's native libraries; each interop assembly registers its own resolver
/// here for its own library (see their <c>Manual/*Library.cs</c>). Search order, first hit wins:
/// <list type="number">
/// <item>the directory set by <see cref="UseDirectory"/>, when set: then the only place searched;</item>
/// <item><c>AppContext.BaseDirectory/runtimes/&lt;rid&gt;/native</c> (NuGet packages put them there), then
/// <c>AppContext.BaseDirectory</c> itself (where <c>dotnet publish -r &lt;rid&gt;</c> puts them);</item>
/// <item>the native build's output: <c>$NATIVECONV_NATIVE_DIR/lib</c>, or <c>artifacts/native/&lt;rid&gt;/lib</c>
/// in a source tree above the application (development);</item>
/// <item>the operating system's default search.</item>
/// </list>
/// A library that cannot be loaded gives one <see cref="NativeLibraryLoadException"/> listing every path
/// tried. Never depends on <c>Assembly.Location</c> (empty in single-file apps).
/// </summary>
public static class NativeLibrarySearch
{
    private static readonly Lock Gate = new();
    private static readonly ConcurrentDictionary<string, (nint Handle, string Path)> Loaded = new();
    private static readonly HashSet<Assembly> Registered = [];
    private static string? _directory;

    /// <summary>The .NET runtime identifier used for runtimes/&lt;rid&gt;/native, e.g. linux-x64.</summary>
    public static string RuntimeIdentifier { get; } =
        (OperatingSystem.IsWindows() ? "win" : OperatingSystem.IsMacOS() ? "osx" : "linux") + "-" +
        RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();

    /// <summary>The directory set by <see cref="UseDirectory"/>, or null when the default search runs.</summary>
    public static string? Directory
    {
        get
        {
            lock (Gate) return _directory;
        }
    }

    /// <summary>Where each loaded library came from, by import name.</summary>
    public static IReadOnlyDictionary<string, string> LoadedFrom => Loaded.ToDictionary(p => p.Key, p => p.Value.Path);

    /// <summary>
    /// Makes <paramref name="directory"/> the only place libraries are loaded from. Process-wide, so it
    /// is set once: the same directory again is accepted, another one throws, and so does any directory
    /// once a library was loaded (a loaded library cannot be unloaded safely).
    /// </summary>
    public static void UseDirectory(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        string full = Path.GetFullPath(directory);
        lock (Gate)
        {
            if (_directory == full) return;
            if (_directory is not null)
                throw new InvalidOperationException($"the native library directory is already set to '{_directory}'; it cannot change to '{full}' in this process");
            if (!Loaded.IsEmpty)
                throw new InvalidOperationException($"native libraries are already loaded ({string.Join(", ", Loaded.Select(p => $"{p.Key} from {p.Value.Path}"))}); " +
                    $"set the directory '{full}' before the first use of a native backend");
            _directory = full;
        }
    }

    /// <summary>
    /// Resolves <paramref name="assembly"/>'s imports of each library in <paramref name="libraries"/>
    /// through this search. Once per assembly; another party's resolver already registered is tolerated
    /// (it then decides).
    /// </summary>
    public static void Register(Assembly assembly, params NativeLibraryDescription[] libraries)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        lock (Gate)
        {
            if (!Registered.Add(assembly)) return;
            try
            {
                NativeLibrary.SetDllImportResolver(assembly, (name, _, _) =>
                    libraries.FirstOrDefault(l => l.ImportName == name) is { } library ? Load(library) : 0);
            }
            catch (InvalidOperationException)
            {
                // The application registered its own resolver first: it decides.
            }
        }
    }

    /// <summary>Loads a library (its dependencies first), once; throws listing every attempt if it cannot.</summary>
    public static nint Load(NativeLibraryDescription library)
    {
        ArgumentNullException.ThrowIfNull(library);
        if (Loaded.TryGetValue(library.ImportName, out var done)) return done.Handle;
        lock (Gate)
        {
            if (Loaded.TryGetValue(library.ImportName, out done)) return done.Handle;
            foreach (NativeLibraryDescription dependency in library.Dependencies.Where(d => d.IsNeededHere)) Load(dependency);
            var (handle, path) = Locate(library, _directory);
            Loaded[library.ImportName] = (handle, path);
            return handle;
        }
    }

    /// <summary>
    /// Searches for and loads one library without remembering it: the search <see cref="Load"/> runs.
    /// Throws <see cref="NativeLibraryLoadException"/> listing every path tried and why each failed.
    /// </summary>
    public static (nint Handle, string Path) Locate(NativeLibraryDescription library, string? directory)
    {
        ArgumentNullException.ThrowIfNull(library);
        directory = string.IsNullOrWhiteSpace(directory) ? null : Path.GetFullPath(directory);
        var attempts = new List<(string, string)>();
        foreach (string candidate in Candidates(library, directory, attempts))
        {
            bool isPath = candidate.Contains(Path.DirectorySeparatorChar);
            if (isPath && !File.Exists(candidate))
            {
                attempts.Add((candidate, "no such file"));
                continue;
            }
            try
            {
                return (NativeLibrary.Load(candidate), candidate);
            }
            catch (Exception e) when (e is DllNotFoundException or BadImageFormatException)
            {
                attempts.Add((candidate, e.Message.ReplaceLineEndings(" ")));
            }
        }
        throw new NativeLibraryLoadException(library.ImportName, attempts);
    }

    private static IEnumerable<string> Candidates(NativeLibraryDescription library, string? directory, List<(string, string)> attempts)
    {
        IReadOnlyList<string> files = library.FileNames;
        if (directory is not null)
        {
            if (!System.IO.Directory.Exists(directory)) attempts.Add((directory, "configured directory does not exist"));
            else foreach (string f in files) yield return Path.Combine(directory, f);
            // A configured directory is the only place searched for our libraries; a system runtime may
            // still come from the system.
            if (library.SystemFallback) foreach (string f in files) yield return f;
            yield break;
        }
        foreach (string dir in SearchDirectories())
            foreach (string f in files)
                yield return Path.Combine(dir, f);
        foreach (string f in files) yield return f; // default search: bare names
    }

    private static IEnumerable<string> SearchDirectories()
    {
        yield return Path.Combine(AppContext.BaseDirectory, "runtimes", RuntimeIdentifier, "native");
        yield return AppContext.BaseDirectory;
        if (Environment.GetEnvironmentVariable("NATIVECONV_NATIVE_DIR") is { Length: > 0 } nativeDir)
            yield return Path.Combine(nativeDir, "lib");
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string dev = Path.Combine(dir.FullName, "artifacts", "native", RuntimeIdentifier, "lib");
            if (System.IO.Directory.Exists(dev))
            {
                yield return dev;
                yield break;
            }
        }
    }
}
