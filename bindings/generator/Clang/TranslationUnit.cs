using System.Runtime.InteropServices;
using static NativeConv.BindingGenerator.Clang.LibClang;

namespace NativeConv.BindingGenerator.Clang;

/// <summary>One parsed C translation unit; errors in it fail the generation loudly.</summary>
internal sealed unsafe class TranslationUnit : IDisposable
{
    private readonly nint _index;
    private readonly nint _tu;

    private TranslationUnit(nint index, nint tu)
    {
        _index = index;
        _tu = tu;
    }

    public CXCursor Cursor => clang_getTranslationUnitCursor(_tu);

    /// <summary>Parses <paramref name="source"/> (kept in memory under <paramref name="fileName"/>) as C.</summary>
    public static TranslationUnit Parse(string fileName, string source, IReadOnlyList<string> clangArgs, bool allowErrors)
    {
        nint index = clang_createIndex(0, 0);
        var allocations = new List<nint>();
        nint Utf8(string s)
        {
            nint p = Marshal.StringToCoTaskMemUTF8(s);
            allocations.Add(p);
            return p;
        }
        try
        {
            sbyte** argv = stackalloc sbyte*[clangArgs.Count];
            for (int i = 0; i < clangArgs.Count; i++) argv[i] = (sbyte*)Utf8(clangArgs[i]);
            var unsaved = new CXUnsavedFile
            {
                Filename = Utf8(fileName),
                Contents = Utf8(source),
                Length = (nuint)System.Text.Encoding.UTF8.GetByteCount(source),
            };
            nint tu;
            int error = clang_parseTranslationUnit2(index, (sbyte*)unsaved.Filename, argv, clangArgs.Count, &unsaved, 1,
                DetailedPreprocessingRecord | SkipFunctionBodies, &tu);
            if (error != 0)
                throw new InvalidOperationException($"libclang could not parse {fileName} (error {error}); arguments: {string.Join(' ', clangArgs)}");
            var result = new TranslationUnit(index, tu);
            index = 0; // owned by the result now
            if (!allowErrors)
            {
                var errors = result.Diagnostics(minimumSeverity: 3);
                if (errors.Count > 0)
                {
                    result.Dispose();
                    throw new InvalidOperationException($"errors parsing {fileName}:\n  " + string.Join("\n  ", errors));
                }
            }
            return result;
        }
        finally
        {
            foreach (nint p in allocations) Marshal.FreeCoTaskMem(p);
            if (index != 0) clang_disposeIndex(index);
        }
    }

    /// <summary>Formatted diagnostics of at least the given severity (2 warning, 3 error, 4 fatal).</summary>
    public List<string> Diagnostics(int minimumSeverity)
    {
        var result = new List<string>();
        uint count = clang_getNumDiagnostics(_tu);
        for (uint i = 0; i < count; i++)
        {
            nint d = clang_getDiagnostic(_tu, i);
            if (clang_getDiagnosticSeverity(d) >= minimumSeverity) result.Add(Take(clang_formatDiagnostic(d, 0)));
            clang_disposeDiagnostic(d);
        }
        return result;
    }

    public void Dispose()
    {
        clang_disposeTranslationUnit(_tu);
        clang_disposeIndex(_index);
    }
}
