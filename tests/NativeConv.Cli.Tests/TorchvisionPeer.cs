using System.Diagnostics;
using Xunit;

namespace NativeConv.Cli.Tests;

/// <summary>
/// Whole MobileNets exported once per test run by build/peers/export_mobilenet.py under Debian's python3
/// with python3-torch and python3-torchvision (BatchNorm statistics and biases randomized, batch 1,
/// 224x224): weights.npz, input.npy / input_nhwc.npy, and reference.npz with the float64 model's output
/// after every block. Missing torchvision is a visible skip, except under CI (CI=true), where
/// build/test.sh installs it and its absence is a failure.
/// </summary>
internal static class TorchvisionPeer
{
    private static readonly Dictionary<string, Lazy<(string? Directory, string? Why)>> Exports =
        new[] { "v1", "v2", "v3-small", "v3-large" }.ToDictionary(m => m, m => new Lazy<(string?, string?)>(() => Export(m)));

    public static string Directory(string model)
    {
        var (dir, why) = Exports[model].Value;
        if (why is null) return dir!;
        if (TestBackends.UnderCi)
            throw new InvalidOperationException($"torchvision peer unavailable under CI, where build/test.sh installs python3-torchvision: {why}");
        Skip.If(true, $"torchvision peer unavailable (apt-get install python3-torch python3-torchvision python3-numpy): {why}");
        throw new InvalidOperationException("unreachable");
    }

    private static (string?, string?) Export(string model)
    {
        string script = Path.Combine(RepositoryRoot(), "build", "peers", "export_mobilenet.py");
        string dir = System.IO.Directory.CreateTempSubdirectory($"nativeconv-{model}-").FullName;
        var start = new ProcessStartInfo(TorchPeer.Python, [script, "--model", model, "--out", dir, "--seed", "1", "--random-biases"])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        try
        {
            using Process process = Process.Start(start)!;
            string stdout = process.StandardOutput.ReadToEnd(), stderr = process.StandardError.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode == 0 ? (dir, null) : (null, $"{script} exited with {process.ExitCode}: {stderr.Trim()} {stdout.Trim()}");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (null, $"{TorchPeer.Python}: {e.Message}");
        }
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "NativeConv.sln"))) return dir.FullName;
        throw new InvalidOperationException($"no NativeConv.sln above {AppContext.BaseDirectory}");
    }
}
