using System.Runtime.Versioning;
using NativeConv.Npy;
using Xunit;

namespace NativeConv.Cli.Tests;

/// <summary>
/// An output the CLI cannot write, as a user meets it: `run` and `net run` (its --output and --save-plan) exit 1 with
/// "nativeconv: PATH: REASON" and leave no file behind. The CLI runs as its own process in a temporary directory, with
/// relative paths as a user types them; the device is reached through a symlink (see <see cref="FileNodes.FullDevice"/>).
/// </summary>
[UnsupportedOSPlatform("windows")] // symlinks and devices as Unix has them
public sealed class OutputPathTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("nativeconv-cli-output-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private (int ExitCode, string Error) Cli(params string[] arguments)
    {
        var (exit, _, error) = Command.RunIn(_dir, "dotnet", [Path.Combine(AppContext.BaseDirectory, "NativeConv.Cli.dll"), .. arguments]);
        return (exit, error);
    }

    private static string[] Entries(string directory) => Directory.GetFileSystemEntries(directory).Select(e => Path.GetFileName(e)).Order(StringComparer.Ordinal).ToArray();

    private static NpyArray Ramp(params int[] shape) =>
        new(shape, Enumerable.Range(0, (int)NpyArray.ElementCount(shape)).Select(i => (float)(i % 7 - 3)).ToArray());

    /// <summary>y.npy, a symlink to a full device: relative ("devices/full") where the device is the test's own node.</summary>
    private string FullDeviceLink()
    {
        string device = FileNodes.FullDevice(Directory.CreateDirectory(Path.Combine(_dir, "devices")).FullName);
        Assert.Equal("character special file", FileNodes.Kind(device)); // the guard: nothing else is written through the link
        File.CreateSymbolicLink(Path.Combine(_dir, "y.npy"), device.StartsWith(_dir, StringComparison.Ordinal) ? Path.GetRelativePath(_dir, device) : device);
        return device;
    }

    private void AssertUntouched(string device)
    {
        Assert.Equal("character special file", FileNodes.Kind(device));
        Assert.Equal("symbolic link", FileNodes.Kind(Path.Combine(_dir, "y.npy")));
    }

    private void WriteConvolutionInputs()
    {
        NpyFile.Write(Path.Combine(_dir, "x.npy"), Ramp(1, 2, 3, 3));
        NpyFile.Write(Path.Combine(_dir, "w.npy"), Ramp(4, 2, 1, 1));
    }

    [SkippableFact]
    public void Run_into_a_full_device_exits_1_naming_the_output_and_the_reason()
    {
        string device = FullDeviceLink();
        WriteConvolutionInputs();

        var (exit, error) = Cli("run", "--input", "x.npy", "--weights", "w.npy", "--backend", "reference", "--output", "y.npy");

        Assert.True(exit == 1, $"exit {exit}: {error}");
        Assert.Equal("nativeconv: y.npy: No space left on device", error.TrimEnd().Split('\n')[^1]);
        Assert.DoesNotContain("wrote", error);
        AssertUntouched(device);
        Assert.Equal(["devices", "w.npy", "x.npy", "y.npy"], Entries(_dir));
    }

    [Fact]
    public void Run_into_a_missing_directory_exits_1_naming_the_directory()
    {
        WriteConvolutionInputs();

        var (exit, error) = Cli("run", "--input", "x.npy", "--weights", "w.npy", "--backend", "reference", "--output", "missing/dir/y.npy");

        Assert.True(exit == 1, $"exit {exit}: {error}");
        Assert.Equal("nativeconv: missing/dir/y.npy: directory 'missing/dir' does not exist", error.TrimEnd().Split('\n')[^1]);
        Assert.Equal(["w.npy", "x.npy"], Entries(_dir));
    }

    [SkippableTheory]
    [InlineData("--output")]
    [InlineData("--save-plan")]
    public void Net_run_into_a_full_device_exits_1_naming_the_file_and_the_reason(string flag)
    {
        string device = FullDeviceLink();
        NpyFile.Write(Path.Combine(_dir, "x.npy"), Ramp(1, 3, 32, 32));
        string[] files = flag == "--output" ? ["--output", "y.npy"] : ["--output", "logits.npy", "--save-plan", "y.npy"];

        var (exit, error) = Cli(["net", "run", "--model", "v1", "--input", "x.npy", "--backend", "reference", .. files]);

        Assert.True(exit == 1, $"exit {exit}: {error}");
        Assert.Equal("nativeconv: y.npy: No space left on device", error.TrimEnd().Split('\n')[^1]);
        AssertUntouched(device);
        Assert.Equal(["devices", "x.npy", "y.npy"], Entries(_dir)); // the plan is saved before the logits: none written
    }
}
