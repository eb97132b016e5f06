using System.Diagnostics;
using System.Text.Json;
using Xunit;

namespace NativeConv.Cli.Tests;

/// <summary>
/// Cases written once per test run by a script under Debian's python3 with python3-torch: NumPy .npy inputs and
/// PyTorch's own outputs, with a manifest naming each case and the flags that describe it. One peer per script:
/// <see cref="Convolutions"/> (torch_cases.py, conv2d), <see cref="TransposedConvolutions"/> (torch_transposed_cases.py,
/// conv_transpose2d), <see cref="Pools"/> (torch_pool_cases.py, max_pool2d and avg_pool2d) and
/// <see cref="Resizes"/> (torch_resize_cases.py, interpolate). Missing torch is a
/// visible skip, except under CI (CI=true), where build/test.sh installs it and its absence is a failure.
/// </summary>
internal sealed class TorchPeer
{
    public sealed record Case(string Name, bool Bias, string[] Flags)
    {
        /// <summary>The value after <paramref name="flag"/> (flags come in pairs, e.g. "--stride", "2,1").</summary>
        public string Flag(string flag) => Flags[Array.IndexOf(Flags, flag) + 1];

        /// <summary>A flag's comma-separated integers, e.g. "1,0,2,1".</summary>
        public int[] Integers(string flag) => Flag(flag).Split(',').Select(v => int.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
    }

    public static TorchPeer Convolutions { get; } = new("torch_cases.py");

    public static TorchPeer TransposedConvolutions { get; } = new("torch_transposed_cases.py");

    public static TorchPeer Pools { get; } = new("torch_pool_cases.py");

    public static TorchPeer Resizes { get; } = new("torch_resize_cases.py");

    private readonly Lazy<(string? Directory, Case[] Cases, string? Why)> _generated;

    private TorchPeer(string script) => _generated = new(() => Generate(script));

    /// <summary>Debian's interpreter, not whatever python3 is first on PATH (a pyenv one has no torch).</summary>
    public static string Python => Environment.GetEnvironmentVariable("NATIVECONV_PYTHON") is { Length: > 0 } p ? p : "/usr/bin/python3";

    public string Directory => Require().Directory!;

    public Case Get(string name) => Require().Cases.Single(c => c.Name == name);

    private (string? Directory, Case[] Cases, string? Why) Require()
    {
        var generated = _generated.Value;
        if (generated.Why is null) return generated;
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            throw new InvalidOperationException($"PyTorch peer unavailable under CI, where build/test.sh installs python3-torch: {generated.Why}");
        Skip.If(true, $"PyTorch peer unavailable (apt-get install python3-torch python3-numpy): {generated.Why}");
        throw new InvalidOperationException("unreachable");
    }

    private static (string?, Case[], string?) Generate(string scriptName)
    {
        string dir = System.IO.Directory.CreateTempSubdirectory("nativeconv-torch-").FullName;
        string script = Path.Combine(AppContext.BaseDirectory, scriptName);
        var start = new ProcessStartInfo(Python, [script, dir]) { RedirectStandardError = true, RedirectStandardOutput = true };
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or FileNotFoundException)
        {
            return (null, [], $"{Python} cannot be started: {e.Message}");
        }
        string stderr = process.StandardError.ReadToEnd();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            return (null, [], $"{Python} {script} exited with {process.ExitCode}: {stderr.Trim().Split('\n').LastOrDefault()}");
        using JsonDocument manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "manifest.json")));
        Case[] cases = manifest.RootElement.GetProperty("cases").EnumerateArray()
            .Select(c => new Case(c.GetProperty("name").GetString()!, c.GetProperty("bias").GetBoolean(),
                c.GetProperty("flags").EnumerateArray().Select(f => f.GetString()!).ToArray()))
            .ToArray();
        return (dir, cases, null);
    }
}
