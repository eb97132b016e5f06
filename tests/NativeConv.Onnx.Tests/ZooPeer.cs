using System.Collections.Concurrent;
using Xunit;

namespace NativeConv.Onnx.Tests;

/// <summary>
/// torchvision's networks (and build/peers' Xception and separable U-Net) exported to ONNX at test time by
/// build/peers/export_onnx_zoo.py under Debian's python3
/// (python3-torch, python3-torchvision, python3-numpy): model.onnx, input.npy / input_nhwc.npy, and PyTorch's float64
/// output as a float32 pair (output_hi.npy + output_lo.npy). One export per model and opset per test run. Missing
/// torchvision is a visible skip, except under CI (CI=true), where build/test.sh installs it and its absence fails.
/// </summary>
internal static class ZooPeer
{
    private static readonly ConcurrentDictionary<(string, int), Lazy<(string? Directory, string? Why)>> Exports = new();

    /// <summary>Debian's interpreter, not whatever python3 is first on PATH (a pyenv one has no torch).</summary>
    private static string Python => Environment.GetEnvironmentVariable("NATIVECONV_PYTHON") is { Length: > 0 } p ? p : "/usr/bin/python3";

    public static string Directory(string model, int opset)
    {
        var (dir, why) = Exports.GetOrAdd((model, opset), key => new(() => Export(key.Item1, key.Item2))).Value;
        if (why is null) return dir!;
        if (TestBackends.UnderCi) throw new InvalidOperationException($"the torchvision ONNX export is unavailable under CI, where build/test.sh installs python3-torchvision: {why}");
        Skip.If(true, $"torchvision ONNX export unavailable (apt-get install python3-torch python3-torchvision python3-numpy): {why}");
        throw new InvalidOperationException("unreachable");
    }

    private static (string?, string?) Export(string model, int opset)
    {
        string script = Path.Combine(RepositoryRoot(), "build", "peers", "export_onnx_zoo.py");
        string dir = System.IO.Directory.CreateTempSubdirectory($"nativeconv-onnx-{model}-{opset}-").FullName;
        try
        {
            var (code, output, error) = Command.Run(Python, script, "--model", model, "--opset", opset.ToString(), "--out", dir, "--seed", "1");
            return code == 0 ? (dir, null) : (null, $"{script} exited with {code}: {error.Trim()} {output.Trim()}");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
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
