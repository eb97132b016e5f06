using System.Runtime.InteropServices;

namespace NativeConv.Interop.Tests;

/// <summary>Where the tests find the repository and the staged native build.</summary>
internal static class RepositoryLayout
{
    public static string Root { get; } = FindRoot();

    /// <summary>The .NET runtime identifier of this machine, e.g. linux-x64.</summary>
    public static string Rid { get; } =
        (OperatingSystem.IsLinux() ? "linux" : OperatingSystem.IsMacOS() ? "osx" : "win") + "-" +
        RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();

    /// <summary>$NATIVECONV_NATIVE_DIR, or artifacts/native/&lt;rid&gt; as build/native.sh stages it.</summary>
    public static string NativeDir { get; } =
        Environment.GetEnvironmentVariable("NATIVECONV_NATIVE_DIR") is { Length: > 0 } dir
            ? dir
            : Path.Combine(Root, "artifacts", "native", Rid);

    public static string NativeLibDir => Path.Combine(NativeDir, "lib");

    public static string NativeIncludeDir => Path.Combine(NativeDir, "include");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "NativeConv.sln"))) return dir.FullName;
        throw new InvalidOperationException($"no NativeConv.sln above {AppContext.BaseDirectory}");
    }
}
