using Xunit;
using Xunit.Abstractions;

namespace NativeConv.Interop.Tests;

/// <summary>
/// Generated/ is exactly what the generator makes from the staged headers: regenerating into a
/// temporary tree reproduces every checked-in file byte for byte, and adds or loses none. The bindings
/// are one for every runtime, so this holds for the headers of each runtime staged here (this
/// machine's, and linux-arm64's when it was cross-built), each parsed for its own target.
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
            // This machine's runtime always; every other runtime whose headers are staged too.
            string staged = Path.Combine(root, "artifacts", "native");
            var rids = new[] { RepositoryLayout.Rid }.Concat(Directory.Exists(staged)
                ? Directory.GetDirectories(staged).Select(Path.GetFileName).OfType<string>()
                    .Where(r => r != RepositoryLayout.Rid && Directory.Exists(Path.Combine(staged, r, "include"))).Order(StringComparer.Ordinal)
                : []).ToList();

            var differences = new List<string>();
            foreach (string rid in rids)
            {
                string log = LayoutTests.Run("dotnet", [Path.Combine(tool, "NativeConv.BindingGenerator.dll"), "--root", root,
                    "--rid", rid, "--output-root", Path.Combine(temp, rid), .. configs]);
                output.WriteLine($"{rid}:\n{log}");
                int compared = 0;
                foreach (string library in new[] { "NativeConv.Interop.OneDnn", "NativeConv.Interop.Xnnpack" })
                {
                    string committed = Path.Combine(root, "bindings", library, "Generated");
                    string fresh = Path.Combine(temp, rid, "bindings", library, "Generated");
                    var committedFiles = Files(committed);
                    var freshFiles = Files(fresh);
                    foreach (string f in committedFiles.Except(freshFiles)) differences.Add($"{rid}: {library}: {f} is no longer generated");
                    foreach (string f in freshFiles.Except(committedFiles)) differences.Add($"{rid}: {library}: {f} is generated but not checked in");
                    foreach (string f in committedFiles.Intersect(freshFiles))
                    {
                        compared++;
                        if (!File.ReadAllBytes(Path.Combine(committed, f)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(fresh, f))))
                            differences.Add($"{rid}: {library}: {f} differs (hand-edited, or the headers changed: run build/generate-bindings.sh)");
                    }
                }
                output.WriteLine($"{rid}: {compared} generated files compared");
                Assert.True(compared > 50, $"{rid}: only {compared} files compared");
            }
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
