using System.Collections.Concurrent;
using Xunit;

namespace NativeConv.Testing;

/// <summary>
/// A script of build/peers run at test time under Debian's python3 (python3-torch, python3-torchvision, python3-numpy),
/// writing its files into a fresh directory given as <c>--out DIR</c>: once per script and arguments per test run, the
/// directories removed when the test process ends. A peer that cannot run is a visible skip, except under CI (CI=true),
/// where build/test.sh installs torch and torchvision and its absence is a failure.
/// </summary>
public static class PeerExport
{
    private static readonly ConcurrentDictionary<string, Lazy<(string? Directory, string? Why)>> Exports = new();

    static PeerExport() => AppDomain.CurrentDomain.ProcessExit += (_, _) =>
    {
        foreach (var export in Exports.Values.Where(e => e.IsValueCreated))
            if (export.Value.Directory is { } dir)
                System.IO.Directory.Delete(dir, recursive: true); // state_dicts of tens of MB
    };

    /// <summary>Debian's interpreter, not whatever python3 is first on PATH (a pyenv one has no torch).</summary>
    public static string Python => Environment.GetEnvironmentVariable("NATIVECONV_PYTHON") is { Length: > 0 } p ? p : "/usr/bin/python3";

    /// <summary>The directory build/peers/<paramref name="script"/> wrote when run with <paramref name="arguments"/>.</summary>
    public static string Directory(string script, params string[] arguments)
    {
        var (dir, why) = Exports.GetOrAdd(string.Join(' ', [script, .. arguments]), _ => new(() => Export(script, arguments))).Value;
        if (why is null) return dir!;
        if (TestBackends.UnderCi)
            throw new InvalidOperationException($"the PyTorch peer is unavailable under CI, where build/test.sh installs python3-torch and python3-torchvision: {why}");
        Skip.If(true, $"PyTorch peer unavailable (apt-get install python3-torch python3-torchvision python3-numpy): {why}");
        throw new InvalidOperationException("unreachable");
    }

    private static (string?, string?) Export(string script, string[] arguments)
    {
        string path = Path.Combine(RepositoryRoot(), "build", "peers", script);
        string dir = System.IO.Directory.CreateTempSubdirectory($"nativeconv-{Path.GetFileNameWithoutExtension(script)}-").FullName;
        try
        {
            var (code, output, error) = Command.Run(Python, [path, .. arguments, "--out", dir]);
            if (code == 0) return (dir, null);
            System.IO.Directory.Delete(dir, recursive: true);
            return (null, $"{path} exited with {code}: {error.Trim()} {output.Trim()}");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            System.IO.Directory.Delete(dir, recursive: true);
            return (null, $"{Python}: {e.Message}");
        }
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "NativeConv.sln"))) return dir.FullName;
        throw new InvalidOperationException($"no NativeConv.sln above {AppContext.BaseDirectory}");
    }
}
