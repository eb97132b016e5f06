using System.Reflection;
using System.Runtime.InteropServices;
using NativeConv.Interop.OneDnn;
using NativeConv.Interop.Xnnpack;

namespace NativeConv.Interop.Tests;

/// <summary>
/// Points the generated imports at the staged libraries. A missing library fails the tests with
/// the path that was looked at: these tests exist to check the libraries, so there is nothing to skip to.
/// </summary>
internal static class NativeLibraries
{
    private static readonly Lazy<bool> Registered = new(Register);

    public static void EnsureRegistered() => _ = Registered.Value;

    private static bool Register()
    {
        NativeLibrary.SetDllImportResolver(typeof(Dnnl).Assembly, Resolve);
        NativeLibrary.SetDllImportResolver(typeof(Xnn).Assembly, Resolve);
        return true;
    }

    private static nint Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        // libgomp is the system's OpenMP runtime, the one libnativeconv_dnnl is linked against.
        if (name == Omp.LibraryName) return NativeLibrary.Load("libgomp.so.1");
        if (name != Dnnl.LibraryName && name != Xnn.LibraryName) return 0;
        string path = PathOf(name);
        return NativeLibrary.Load(path);
    }

    /// <summary>The soname file lib&lt;name&gt;.so.&lt;major&gt; in the staged lib directory.</summary>
    public static string PathOf(string name)
    {
        string dir = RepositoryLayout.NativeLibDir;
        string[] candidates = Directory.Exists(dir)
            ? Directory.GetFiles(dir, $"lib{name}.so.*")
                .Where(f => Path.GetFileName(f).Split(".so.") is [_, var major] && major.All(char.IsDigit))
                .ToArray()
            : [];
        if (candidates.Length != 1)
            throw new DllNotFoundException($"expected one lib{name}.so.<major> in {dir} (run build/native.sh), found {candidates.Length}");
        return candidates[0];
    }
}
