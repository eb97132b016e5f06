using System.Diagnostics;
using System.Text.Json;

namespace NativeConv.Benchmarks.Ort;

/// <summary>
/// This runner started again in a new process for one cold measurement, so that neither library's loaded code, threads,
/// caches or allocator state from an earlier measurement helps the next. The child prints one JSON object as its last line.
/// </summary>
internal static class FreshProcess
{
    private static readonly JsonSerializerOptions SnakeCase = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static T Run<T>(IReadOnlyList<string> arguments)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath ?? throw new InvalidOperationException("no path to this process's executable"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // Under `dotnet NativeConv.Benchmarks.Ort.dll` the executable is the host: it needs the assembly again.
        if (Path.GetFileNameWithoutExtension(start.FileName) == "dotnet")
            start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, typeof(FreshProcess).Assembly.GetName().Name + ".dll"));
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        using Process child = Process.Start(start) ?? throw new InvalidOperationException($"{start.FileName} did not start");
        Task<string> error = child.StandardError.ReadToEndAsync();
        string output = child.StandardOutput.ReadToEnd();
        child.WaitForExit();
        string last = output.TrimEnd().Split('\n')[^1];
        if (child.ExitCode != 0 || last.Length == 0)
            throw new InvalidOperationException($"child {string.Join(" ", arguments)} exited with {child.ExitCode}: {error.Result.Trim()} {output.Trim()}");
        return JsonSerializer.Deserialize<T>(last, SnakeCase) ?? throw new InvalidOperationException($"child printed no result: {last}");
    }

    public static string ToJson<T>(T value) => JsonSerializer.Serialize(value, SnakeCase);
}
