using System.Diagnostics;

namespace NativeConv.Testing;

/// <summary>Runs a program to its end: its exit code and what it printed.</summary>
public static class Command
{
    public static (int ExitCode, string Output, string Error) Run(string file, params string[] arguments) => RunIn("", file, arguments);

    /// <summary>As <see cref="Run"/>, in <paramref name="directory"/> (relative paths are the program's, not this process's).</summary>
    public static (int ExitCode, string Output, string Error) RunIn(string directory, string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file, arguments) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        using Process process = Process.Start(start)!;
        Task<string> error = process.StandardError.ReadToEndAsync(); // both pipes drained at once: neither can fill and stall the other
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output, error.Result);
    }
}
