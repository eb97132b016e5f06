using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using NativeConv.Interop.OneDnn;
using NativeConv.Interop.Xnnpack;
using Xunit;
using Xunit.Abstractions;

namespace NativeConv.Interop.Tests;

/// <summary>
/// The C compiler is the judge of layout: each library's generated layout_probe.c is compiled with
/// the system's cc against the staged headers, and every size, field offset, enum value and integer
/// constant it prints must equal the C# side.
/// </summary>
public class LayoutTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("OneDnn", "OneDnn", 50)]
    [InlineData("Xnnpack", "Xnnpack", 50)]
    public void Generated_layout_matches_the_C_compiler(string project, string library, int minimumFacts)
    {
        Type constants = library == "OneDnn" ? typeof(Dnnl) : typeof(Xnn);
        Assembly assembly = constants.Assembly;
        string ns = constants.Namespace!;
        string probe = Path.Combine(RepositoryLayout.Root, "bindings", $"NativeConv.Interop.{project}", "Generated", library, "layout_probe.c");
        string[] lines = CompileAndRun(probe);

        var mismatches = new List<string>();
        int checkedCount = 0;
        foreach (string line in lines)
        {
            string[] w = line.Split(' ');
            checkedCount++;
            switch (w[0])
            {
                case "size":
                {
                    Type t = assembly.GetType($"{ns}.{w[1]}", throwOnError: true)!;
                    long size = (int)typeof(Unsafe).GetMethod(nameof(Unsafe.SizeOf))!.MakeGenericMethod(t).Invoke(null, null)!;
                    if (size != long.Parse(w[2], CultureInfo.InvariantCulture)) mismatches.Add($"{line}: C# says {size}");
                    break;
                }
                case "offset":
                {
                    Type t = assembly.GetType($"{ns}.{w[1]}", throwOnError: true)!;
                    long offset = Marshal.OffsetOf(t, w[2]).ToInt64();
                    if (offset != long.Parse(w[3], CultureInfo.InvariantCulture)) mismatches.Add($"{line}: C# says {offset}");
                    break;
                }
                case "enum":
                {
                    Type t = assembly.GetType($"{ns}.{w[1]}", throwOnError: true)!;
                    object value = Enum.Parse(t, w[2]);
                    string actual = Convert.ChangeType(value, Enum.GetUnderlyingType(t), CultureInfo.InvariantCulture).ToString()!;
                    if (!SameInteger(actual, w[3])) mismatches.Add($"{line}: C# says {actual}");
                    break;
                }
                case "const":
                {
                    FieldInfo? f = constants.GetField(w[1], BindingFlags.Public | BindingFlags.Static);
                    string actual = f is null ? "<missing>" : Convert.ToString(f.GetRawConstantValue(), CultureInfo.InvariantCulture)!;
                    if (!SameInteger(actual, w[2])) mismatches.Add($"{line}: C# says {actual}");
                    break;
                }
                default:
                    mismatches.Add($"unexpected probe line '{line}'");
                    break;
            }
        }
        output.WriteLine($"{library}: {checkedCount} facts from the C compiler checked");
        Assert.True(checkedCount >= minimumFacts, $"the probe printed only {checkedCount} facts");
        Assert.Empty(mismatches);
    }

    // C prints unsigned values of signed C# constants as two's complement, and vice versa.
    private static bool SameInteger(string a, string b) =>
        a == b || (long.TryParse(a, CultureInfo.InvariantCulture, out long x) && ulong.TryParse(b, CultureInfo.InvariantCulture, out ulong y) && unchecked((ulong)x) == y)
               || (ulong.TryParse(a, CultureInfo.InvariantCulture, out ulong p) && long.TryParse(b, CultureInfo.InvariantCulture, out long q) && p == unchecked((ulong)q));

    private static string[] CompileAndRun(string probeSource)
    {
        string dir = Directory.CreateTempSubdirectory("nativeconv-probe-").FullName;
        try
        {
            string exe = Path.Combine(dir, "probe");
            Run("cc", ["-std=gnu11", "-I", RepositoryLayout.NativeIncludeDir, "-o", exe, probeSource]);
            return Run(exe, []).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    internal static string Run(string file, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in arguments) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        string stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', start.ArgumentList)} exited {process.ExitCode}:\n{stderr}");
        return stdout.Result;
    }
}
