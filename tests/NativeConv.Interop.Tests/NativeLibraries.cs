using NativeConv.Interop.OneDnn;
using NativeConv.Interop.Xnnpack;
using Xunit;

namespace NativeConv.Interop.Tests;

/// <summary>
/// The interop assemblies load their own libraries (no resolver here): from this test's folder the
/// search reaches the staged native build, artifacts/native/&lt;rid&gt;/lib. A missing library fails the
/// tests with every path tried: these tests exist to check the libraries, so there is nothing to skip to.
/// </summary>
internal static class NativeLibraries
{
    private static readonly Lazy<bool> Loaded = new(() =>
    {
        OneDnnLibrary.Load();
        XnnpackLibrary.Load();
        return true;
    });

    public static void EnsureLoaded() => _ = Loaded.Value;
}

public class NativeLibrariesTests
{
    [Fact]
    public void The_interop_assemblies_load_the_staged_libraries_themselves()
    {
        NativeLibraries.EnsureLoaded();
        IReadOnlyDictionary<string, string> loaded = NativeLibrarySearch.LoadedFrom;
        string staged = RepositoryLayout.NativeLibDir;
        Assert.Equal(Path.Combine(staged, OneDnnLibrary.OneDnn.FileNames[0]), loaded[Dnnl.LibraryName]);
        Assert.Equal(Path.Combine(staged, XnnpackLibrary.Xnnpack.FileNames[0]), loaded[Xnn.LibraryName]);
        Assert.True(loaded.ContainsKey(Omp.LibraryName), "OpenMP is loaded before oneDNN");
    }
}
