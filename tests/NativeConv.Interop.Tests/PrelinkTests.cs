using System.Reflection;
using System.Runtime.InteropServices;
using NativeConv.Interop.OneDnn;
using NativeConv.Interop.Xnnpack;
using Xunit;

namespace NativeConv.Interop.Tests;

/// <summary>Every generated import binds to an export of the built library (TerraFX's ResolveDllImportTests).</summary>
public class PrelinkTests
{
    public PrelinkTests() => NativeLibraries.EnsureLoaded();

    public static TheoryData<string, string> Imports()
    {
        var data = new TheoryData<string, string>();
        foreach (Type type in new[] { typeof(Dnnl), typeof(Omp), typeof(Xnn) })
            foreach (MethodInfo m in GeneratedImports(type))
                data.Add(type.Name, m.Name);
        return data;
    }

    internal static IEnumerable<MethodInfo> GeneratedImports(Type type) =>
        type.GetMethods(BindingFlags.Public | BindingFlags.Static)
            .Where(m => m.GetCustomAttribute<DllImportAttribute>() is not null)
            .OrderBy(m => m.Name, StringComparer.Ordinal);

    [Theory]
    [MemberData(nameof(Imports))]
    public void Import_resolves_to_an_export(string library, string function)
    {
        Type type = library switch { nameof(Dnnl) => typeof(Dnnl), nameof(Omp) => typeof(Omp), _ => typeof(Xnn) };
        MethodInfo method = type.GetMethod(function, BindingFlags.Public | BindingFlags.Static)!;
        Marshal.Prelink(method); // throws EntryPointNotFoundException when the symbol is missing
    }

    [Fact]
    public void Both_libraries_have_a_substantial_generated_surface()
    {
        // Guards against a generator run that silently produced (almost) nothing.
        Assert.True(GeneratedImports(typeof(Dnnl)).Count() > 150, "too few oneDNN imports");
        Assert.True(GeneratedImports(typeof(Xnn)).Count() > 300, "too few XNNPACK imports");
    }
}
