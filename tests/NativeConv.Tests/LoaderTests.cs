using System.Runtime.InteropServices;
using NativeConv.Interop;
using NativeConv.Interop.OneDnn;
using NativeConv.Interop.Xnnpack;
using Xunit;

namespace NativeConv.Tests;

/// <summary>The native library search each interop assembly uses: every failure names every path tried and why.</summary>
public class LoaderTests
{
    [Fact]
    public void A_missing_directory_is_reported_and_nothing_else_is_searched()
    {
        string missing = Path.Combine(Path.GetTempPath(), "nativeconv-no-such-dir-" + Guid.NewGuid().ToString("N"));
        var e = Assert.Throws<NativeLibraryLoadException>(() => NativeLibrarySearch.Locate(OneDnnLibrary.OneDnn, missing));
        Assert.Equal(Dnnl.LibraryName, e.Library);
        var attempt = Assert.Single(e.Attempts);
        Assert.Equal(missing, attempt.Path);
        Assert.Contains("does not exist", attempt.Reason);
    }

    [Fact]
    public void A_system_runtime_may_still_come_from_the_system_when_a_directory_is_set()
    {
        string missing = Path.Combine(Path.GetTempPath(), "nativeconv-no-such-dir-" + Guid.NewGuid().ToString("N"));
        // libgomp is allowed to fall back to the system's copy; our own libraries never are.
        Assert.True(OneDnnLibrary.OpenMp.SystemFallback);
        Assert.False(OneDnnLibrary.OneDnn.SystemFallback);
        Assert.False(XnnpackLibrary.Xnnpack.SystemFallback);
        var runtime = new NativeLibraryDescription("nativeconv_no_such_runtime", 1, [], SystemFallback: true);
        var e = Assert.Throws<NativeLibraryLoadException>(() => NativeLibrarySearch.Locate(runtime, missing));
        Assert.Equal([missing, .. runtime.FileNames], e.Attempts.Select(a => a.Path)); // the directory, then the system's search
    }

    [SkippableFact]
    public void Both_libraries_run_on_one_OpenMP_runtime()
    {
        // oneDNN's loops and XNNPACK's (pthreadpool's API over OpenMP) must share one libgomp, hence one thread
        // team: both load the same description first, and the process maps a single libgomp file.
        TestBackends.GetOrSkip(OneDnnBackend.BackendName);
        TestBackends.GetOrSkip(XnnpackBackend.BackendName);
        Assert.Same(OpenMpRuntime.Description, Assert.Single(OneDnnLibrary.OneDnn.Dependencies));
        Assert.Same(OpenMpRuntime.Description, Assert.Single(XnnpackLibrary.Xnnpack.Dependencies));
        Assert.True(NativeLibrarySearch.LoadedFrom.ContainsKey(OpenMpRuntime.Description.ImportName));
        if (!OperatingSystem.IsLinux()) return;
        var mapped = File.ReadLines("/proc/self/maps").Where(l => l.Contains("libgomp", StringComparison.Ordinal))
            .Select(l => l[l.IndexOf('/')..]).Distinct().ToList();
        Assert.Single(mapped);
    }

    [Fact]
    public void A_corrupt_library_file_is_rejected_with_the_loader_s_reason()
    {
        string dir = Directory.CreateTempSubdirectory("nativeconv-corrupt-").FullName;
        try
        {
            IReadOnlyList<string> names = OneDnnLibrary.OneDnn.FileNames;
            foreach (string name in names) File.WriteAllBytes(Path.Combine(dir, name), "not a shared library"u8.ToArray());
            var e = Assert.Throws<NativeLibraryLoadException>(() => NativeLibrarySearch.Locate(OneDnnLibrary.OneDnn, dir));
            Assert.Equal(names.Count, e.Attempts.Count);
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
    public void The_versioned_file_comes_first_so_packages_need_no_symlinks()
    {
        string major = Dnnl.DNNL_VERSION_MAJOR.ToString(System.Globalization.CultureInfo.InvariantCulture);
        string[] expected = OperatingSystem.IsWindows() ? ["nativeconv_dnnl.dll"]
            : OperatingSystem.IsMacOS() ? [$"libnativeconv_dnnl.{major}.dylib", "libnativeconv_dnnl.dylib"]
            : [$"libnativeconv_dnnl.so.{major}", "libnativeconv_dnnl.so"];
        Assert.Equal(expected, OneDnnLibrary.OneDnn.FileNames);
        Assert.Equal(OperatingSystem.IsWindows() ? "nativeconv_xnnpack.dll" : OperatingSystem.IsMacOS() ? "libnativeconv_xnnpack.0.dylib" : "libnativeconv_xnnpack.so.0",
            XnnpackLibrary.Xnnpack.FileNames[0]);
    }

    [Fact]
    public void On_Windows_ours_are_plain_DLL_names_and_OpenMP_is_MinGW_s_libgomp_1_after_the_DLLs_it_imports()
    {
        // The names the win-x64 package ships and its DLLs import (build/wine-test.sh loads them under Wine): OpenMP
        // by exactly libgomp-1.dll, or Windows would bind our DLLs' imports to a second copy with its own threads.
        Assert.Equal(["nativeconv_dnnl.dll"], OneDnnLibrary.OneDnn.FileNamesFor(OSPlatform.Windows));
        Assert.Equal(["nativeconv_xnnpack.dll"], XnnpackLibrary.Xnnpack.FileNamesFor(OSPlatform.Windows));
        Assert.Equal(["libgomp-1.dll"], OpenMpRuntime.Description.FileNamesFor(OSPlatform.Windows));
        Assert.Equal(["libgomp.so.1", "libgomp.so"], OpenMpRuntime.Description.FileNamesFor(OSPlatform.Linux));
        // libgomp-1.dll imports libgcc_s_seh-1.dll, which imports libwinpthread-1.dll: loaded first, from the same
        // place, on Windows only.
        NativeLibraryDescription gcc = Assert.Single(OpenMpRuntime.Description.Dependencies);
        Assert.Equal(["libgcc_s_seh-1.dll"], gcc.FileNamesFor(OSPlatform.Windows));
        Assert.Equal(["libwinpthread-1.dll"], Assert.Single(gcc.Dependencies).FileNamesFor(OSPlatform.Windows));
        Assert.All(new[] { gcc, gcc.Dependencies[0] }, d => Assert.Equal(OperatingSystem.IsWindows(), d.IsNeededHere));
        Assert.True(OpenMpRuntime.Description.IsNeededHere);
    }

    [SkippableFact]
    public void The_directory_is_set_once_and_never_after_a_library_was_loaded()
    {
        TestBackends.GetOrSkip(OneDnnBackend.BackendName); // a library is loaded from the default search now
        string other = Directory.CreateTempSubdirectory("nativeconv-late-").FullName;
        try
        {
            var e = Assert.Throws<InvalidOperationException>(() => NativeLibrarySearch.UseDirectory(other));
            Assert.Contains("already loaded", e.Message);
            Assert.Null(NativeLibrarySearch.Directory); // unchanged
            // Options without a directory leave the search alone.
            using var backends = new ConvBackends(new NativeConvOptions { Threads = 1 });
            Assert.Null(NativeLibrarySearch.Directory);
            Assert.Throws<InvalidOperationException>(() => new ConvBackends(new NativeConvOptions { NativeLibraryDirectory = other }));
        }
        finally
        {
            Directory.Delete(other);
        }
    }

    [SkippableFact]
    public void Each_interop_assembly_loads_its_own_library()
    {
        TestBackends.GetOrSkip(OneDnnBackend.BackendName);
        TestBackends.GetOrSkip(XnnpackBackend.BackendName);
        IReadOnlyDictionary<string, string> loaded = NativeLibrarySearch.LoadedFrom;
        Assert.EndsWith(OneDnnLibrary.OneDnn.FileNames[0], loaded[Dnnl.LibraryName]);
        Assert.EndsWith(XnnpackLibrary.Xnnpack.FileNames[0], loaded[Xnn.LibraryName]);
        Assert.True(loaded.ContainsKey(Omp.LibraryName), "OpenMP is loaded before oneDNN");
    }
}
