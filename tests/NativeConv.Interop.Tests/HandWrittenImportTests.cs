using System.Text.RegularExpressions;
using Xunit;

namespace NativeConv.Interop.Tests;

/// <summary>No import of a dnnl_*, xnn_* or pthreadpool_* function is written by hand anywhere in the repository.</summary>
public partial class HandWrittenImportTests
{
    [GeneratedRegex(@"\[(DllImport|LibraryImport)\b[^\]]*\][^;]*?\b(dnnl_|xnn_|pthreadpool_)\w*\s*\(", RegexOptions.Singleline)]
    private static partial Regex ImportOfLibraryFunction();

    [Fact]
    public void Imports_of_library_functions_exist_only_in_Generated()
    {
        string root = RepositoryLayout.Root;
        string[] skipped = ["/Generated/", "/bin/", "/obj/", "/artifacts/", "/.git/"];
        var sources = Directory.GetFiles(root, "*.cs", SearchOption.AllDirectories)
            .Where(f => !skipped.Any(s => f.Replace('\\', '/').Contains(s, StringComparison.Ordinal)))
            .ToList();
        var offenders = sources.Where(f => ImportOfLibraryFunction().IsMatch(File.ReadAllText(f)))
            .Select(f => Path.GetRelativePath(root, f)).ToList();
        Assert.True(sources.Count > 20, $"only {sources.Count} source files scanned");
        Assert.Empty(offenders);
    }
}
