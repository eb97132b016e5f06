using Xunit;
using Xunit.Abstractions;

namespace NativeConv.Interop.Tests;

/// <summary>
/// Generated/ is exactly what the generator makes from the staged headers: regenerating into a
/// temporary tree reproduces every checked-in file byte for byte, and adds or loses none.
/// </summary>
public class RegenerationTests(ITestOutputHelper output)
{
    [Fact]
    public void Regeneration_reproduces_the_checked_in_files()
    {
        string root = RepositoryLayout.Root;
        string temp = Directory.CreateTempSubdirectory("nativeconv-regen-").FullName;
        try
        {
            string tool = Path.Combine(temp, "generator");
            LayoutTests.Run("dotnet", ["build", Path.Combine(root, "bindings", "generator"), "-c", "Release", "-nologo", "-v", "quiet", "-o", tool]);
            string[] configs = Directory.GetFiles(Path.Combine(root, "bindings", "generation"), "*.rsp")
                .Select(f => Path.GetRelativePath(root, f)).Order(StringComparer.Ordinal).ToArray();
            string log = LayoutTests.Run("dotnet", [Path.Combine(tool, "NativeConv.BindingGenerator.dll"), "--root", root,
                "--output-root", Path.Combine(temp, "out"), .. configs]);
            output.WriteLine(log);

            var differences = new List<string>();
            int compared = 0;
            foreach (string library in new[] { "NativeConv.Interop.OneDnn", "NativeConv.Interop.Xnnpack" })
            {
                string committed = Path.Combine(root, "bindings", library, "Generated");
                string fresh = Path.Combine(temp, "out", "bindings", library, "Generated");
                var committedFiles = Files(committed);
                var freshFiles = Files(fresh);
                foreach (string f in committedFiles.Except(freshFiles)) differences.Add($"{library}: {f} is no longer generated");
                foreach (string f in freshFiles.Except(committedFiles)) differences.Add($"{library}: {f} is generated but not checked in");
                foreach (string f in committedFiles.Intersect(freshFiles))
                {
                    compared++;
                    if (!File.ReadAllBytes(Path.Combine(committed, f)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(fresh, f))))
                        differences.Add($"{library}: {f} differs (hand-edited, or the headers changed: run build/generate-bindings.sh)");
                }
            }
            output.WriteLine($"{compared} generated files compared");
            Assert.True(compared > 50, $"only {compared} files compared");
            Assert.Empty(differences);
        }
        finally
        {
            Directory.Delete(temp, recursive: true);
        }
    }

    private static HashSet<string> Files(string dir) =>
        Directory.GetFiles(dir, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(dir, f)).ToHashSet();
}
