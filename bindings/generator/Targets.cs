using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace NativeConv.BindingGenerator;

/// <summary>
/// What depends on the runtime the headers were staged for, and on where libclang lives: the clang
/// target triple of a .NET runtime identifier, and Debian's libclang/resource-directory pairs.
/// </summary>
internal static partial class Targets
{
    /// <summary>This machine's runtime identifier, as NativeLibrarySearch computes it (e.g. linux-x64).</summary>
    public static string HostRid { get; } =
        (OperatingSystem.IsWindows() ? "win" : OperatingSystem.IsMacOS() ? "osx" : "linux") + "-" +
        RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();

    /// <summary>The clang target a runtime's headers are parsed for (its ABI: type sizes, alignment).</summary>
    public static string ClangTarget(string rid) => rid switch
    {
        "linux-x64" => "x86_64-pc-linux-gnu",
        "linux-arm64" => "aarch64-unknown-linux-gnu",
        "osx-arm64" => "arm64-apple-macosx",
        "osx-x64" => "x86_64-apple-macosx",
        "win-x64" => "x86_64-w64-mingw32", // MinGW-w64 builds the DLLs; its C ABI is Windows x64's (LLP64)
        "win-arm64" => "aarch64-pc-windows-msvc",
        _ => throw new NotSupportedException($"no clang target known for runtime '{rid}'; name one with --target in the config"),
    };

    /// <summary>
    /// libclang shared libraries to try, with the llvm folder each belongs to: Debian's llvm-14 first
    /// (the generated output was reviewed with it), then any other /usr/lib/llvm-N, newest first, then
    /// the bare names.
    /// </summary>
    public static List<(string File, string? LlvmDir)> LibClangCandidates()
    {
        var list = new List<(string, string?)>();
        var llvms = Directory.Exists("/usr/lib")
            ? Directory.GetDirectories("/usr/lib", "llvm-*")
                .Select(d => (Dir: d, Match: LlvmVersion().Match(Path.GetFileName(d))))
                .Where(x => x.Match.Success)
                .OrderByDescending(x => x.Match.Groups[1].Value == "14")
                .ThenByDescending(x => int.Parse(x.Match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture))
                .ToList()
            : [];
        foreach (var (dir, match) in llvms)
        {
            string n = match.Groups[1].Value;
            list.Add(($"libclang-{n}.so.1", dir));
            list.Add((Path.Combine(dir, "lib", "libclang.so.1"), dir));
        }
        list.Add(("libclang.so.1", null));
        list.Add(("libclang.so", null));
        return list;
    }

    /// <summary>The newest lib/clang/&lt;version&gt; under <paramref name="llvmDir"/> that holds stddef.h, or null.</summary>
    public static string? ClangResourceDir(string? llvmDir)
    {
        string clang = Path.Combine(llvmDir ?? "/usr/lib/llvm-14", "lib", "clang");
        if (!Directory.Exists(clang)) return null;
        return Directory.GetDirectories(clang)
            .Where(d => File.Exists(Path.Combine(d, "include", "stddef.h")))
            .Order(StringComparer.Ordinal)
            .LastOrDefault();
    }

    [GeneratedRegex(@"^llvm-(\d+)$")]
    private static partial Regex LlvmVersion();
}
