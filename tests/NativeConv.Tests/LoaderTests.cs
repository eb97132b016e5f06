using NativeConv.Interop.OneDnn;
using Xunit;

namespace NativeConv.Tests;

/// <summary>The native library search: every failure names every path tried and why.</summary>
public class LoaderTests
{
    [Fact]
    public void A_missing_explicit_directory_is_reported_and_nothing_else_is_searched()
    {
        string missing = Path.Combine(Path.GetTempPath(), "nativeconv-no-such-dir-" + Guid.NewGuid().ToString("N"));
        var e = Assert.Throws<NativeLibraryLoadException>(() => NativeLibraryLoader.Locate(Dnnl.LibraryName, missing));
        Assert.Equal(Dnnl.LibraryName, e.Library);
        var attempt = Assert.Single(e.Attempts);
        Assert.Equal(missing, attempt.Path);
        Assert.Contains("does not exist", attempt.Reason);
    }

    [Fact]
    public void A_corrupt_library_file_is_rejected_with_the_loader_s_reason()
    {
        string dir = Directory.CreateTempSubdirectory("nativeconv-corrupt-").FullName;
        try
        {
            string[] names = NativeLibraryLoader.FileNames(Dnnl.LibraryName);
            foreach (string name in names) File.WriteAllBytes(Path.Combine(dir, name), "not a shared library"u8.ToArray());
            var e = Assert.Throws<NativeLibraryLoadException>(() => NativeLibraryLoader.Locate(Dnnl.LibraryName, dir));
            Assert.Equal(names.Length, e.Attempts.Count);
            Assert.All(e.Attempts, a => Assert.StartsWith(dir, a.Path));
            Assert.All(e.Attempts, a => Assert.False(string.IsNullOrWhiteSpace(a.Reason)));
            Assert.Contains(names[0], e.Message);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void The_soname_comes_first_so_packages_need_no_symlinks()
    {
        string[] names = NativeLibraryLoader.FileNames(Dnnl.LibraryName);
        if (OperatingSystem.IsLinux()) Assert.Equal($"libnativeconv_dnnl.so.{Dnnl.DNNL_VERSION_MAJOR}", names[0]);
    }
}
