using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.InteropServices;
using NativeConv.Interop.OneDnn;
using NativeConv.Interop.Xnnpack;

namespace NativeConv;

/// <summary>
/// Finds and loads NativeConv's native libraries for the generated imports, one resolver per interop
/// assembly. Search order (first hit wins):
/// <list type="number">
/// <item>the explicit directory, when configured: then the only place searched;</item>
/// <item><c>AppContext.BaseDirectory/runtimes/&lt;rid&gt;/native</c> (NuGet packages put them there), then
/// <c>AppContext.BaseDirectory</c> itself (where <c>dotnet publish -r &lt;rid&gt;</c> puts them);</item>
/// <item>the native build's output: <c>$NATIVECONV_NATIVE_DIR/lib</c>, or <c>artifacts/native/&lt;rid&gt;/lib</c>
/// in a source tree above the application (development);</item>
/// <item>the operating system's default search.</item>
/// </list>
/// A library that cannot be loaded gives one <see cref="NativeLibraryLoadException"/> listing every path tried.
/// Never depends on <c>Assembly.Location</c> (empty in single-file apps).
/// </summary>
public static class NativeLibraryLoader
{
    private static readonly object Gate = new();
    private static readonly ConcurrentDictionary<string, (nint Handle, string Path)> Loaded = new();
    private static string? _explicitDirectory;
    private static bool _registered;

    /// <summary>The .NET runtime identifier used for runtimes/&lt;rid&gt;/native, e.g. linux-x64.</summary>
    public static string RuntimeIdentifier { get; } =
        (OperatingSystem.IsWindows() ? "win" : OperatingSystem.IsMacOS() ? "osx" : "linux") + "-" +
        RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();

    /// <summary>
    /// Sets the explicit directory (null: none). Takes effect for libraries not loaded yet; a library
    /// already loaded stays loaded (the process cannot unload it safely).
    /// </summary>
    public static void Configure(string? explicitDirectory)
    {
        lock (Gate) _explicitDirectory = string.IsNullOrWhiteSpace(explicitDirectory) ? null : Path.GetFullPath(explicitDirectory);
    }

    /// <summary>Where each loaded library came from, by import name.</summary>
    public static IReadOnlyDictionary<string, string> LoadedFrom => Loaded.ToDictionary(p => p.Key, p => p.Value.Path);

    /// <summary>Registers the resolvers once; another party's resolver already on an assembly is tolerated.</summary>
    public static void EnsureRegistered()
    {
        lock (Gate)
        {
            if (_registered) return;
            foreach (Assembly assembly in new[] { typeof(Dnnl).Assembly, typeof(Xnn).Assembly })
            {
                try
                {
                    NativeLibrary.SetDllImportResolver(assembly, Resolve);
                }
                catch (InvalidOperationException)
                {
                    // Someone (a test host, the application) registered first: theirs decides.
                }
            }
            _registered = true;
        }
    }

    /// <summary>Loads the library an import name stands for (and throws, listing every attempt, if it cannot).</summary>
    public static nint Load(string importName)
    {
        EnsureRegistered();
        if (Loaded.TryGetValue(importName, out var done)) return done.Handle;
        lock (Gate)
        {
            if (Loaded.TryGetValue(importName, out done)) return done.Handle;
            var (handle, path) = Locate(importName, _explicitDirectory);
            Loaded[importName] = (handle, path);
            return handle;
        }
    }

    /// <summary>
    /// Searches for and loads one library without remembering it: the search <see cref="Load"/> runs.
    /// Throws <see cref="NativeLibraryLoadException"/> listing every path tried and why each failed.
    /// </summary>
    public static (nint Handle, string Path) Locate(string importName, string? explicitDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(importName);
        explicitDirectory = string.IsNullOrWhiteSpace(explicitDirectory) ? null : Path.GetFullPath(explicitDirectory);
        var attempts = new List<(string, string)>();
        foreach (string candidate in Candidates(importName, explicitDirectory, attempts))
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
        throw new NativeLibraryLoadException(importName, attempts);
    }

    private static nint Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath) =>
        name is Dnnl.LibraryName or Xnn.LibraryName or Omp.LibraryName ? Load(name) : 0;

    private static IEnumerable<string> Candidates(string importName, string? explicitDirectory, List<(string, string)> attempts)
    {
        string[] files = FileNames(importName);
        if (importName == Omp.LibraryName)
        {
            // OpenMP (libgomp) is the runtime libnativeconv_dnnl is linked against: a copy shipped beside
            // our libraries is preferred (loading it first satisfies libnativeconv_dnnl's dependency),
            // then the system's.
            IEnumerable<string> dirs = explicitDirectory is not null ? [explicitDirectory] : SearchDirectories();
            foreach (string dir in dirs.Where(Directory.Exists))
                foreach (string f in files)
                    if (File.Exists(Path.Combine(dir, f))) yield return Path.Combine(dir, f);
            foreach (string f in files) yield return f;
            yield break;
        }
        if (explicitDirectory is not null)
        {
            if (!Directory.Exists(explicitDirectory)) attempts.Add((explicitDirectory, "configured directory does not exist"));
            else foreach (string f in files) yield return Path.Combine(explicitDirectory, f);
            yield break; // an explicit directory is the only place searched
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
            if (Directory.Exists(dev))
            {
                yield return dev;
                yield break;
            }
        }
    }

    /// <summary>The file names of a library: its soname first (what packages carry), then the plain name.</summary>
    internal static string[] FileNames(string importName)
    {
        // Majors: oneDNN's soname follows its major version; XNNPACK's is 0 (cmake/xnnpack/CMakeLists.txt).
        string major = importName switch
        {
            Dnnl.LibraryName => Dnnl.DNNL_VERSION_MAJOR.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Xnn.LibraryName => "0",
            _ => "1",
        };
        if (OperatingSystem.IsWindows()) return [$"{importName}.dll"];
        if (OperatingSystem.IsMacOS()) return [$"lib{importName}.{major}.dylib", $"lib{importName}.dylib"];
        return [$"lib{importName}.so.{major}", $"lib{importName}.so"];
    }
}
