using System.Globalization;
using System.Text;
using NativeConv.BindingGenerator.Clang;
using NativeConv.BindingGenerator.Model;
using static NativeConv.BindingGenerator.Clang.LibClang;

namespace NativeConv.BindingGenerator;

/// <summary>
/// Turns object-like macros into constants whose values clang computes: each candidate becomes
/// <c>__auto_type nc_probe_NAME = (NAME);</c> in a probe unit, and clang evaluates the initializer.
/// A macro that is not a value (attributes, types, empty guards) makes an invalid declaration and
/// is listed as skipped.
/// </summary>
internal static class MacroEvaluator
{
    private const string ProbePrefix = "nc_probe_";

    public static List<(string Name, string Header)> Candidates(CXCursor unit, GeneratorConfig config, Func<CXCursor, string?> traversed)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<(string, string)>();
        foreach (CXCursor c in unit.Children())
        {
            if (c.Kind != CXCursorKind.MacroDefinition || clang_Cursor_isMacroFunctionLike(c) != 0) continue;
            string name = c.Spelling();
            string? header = traversed(c);
            if (header is null || !config.WantsMacro(name) || !seen.Add(name)) continue;
            result.Add((name, header));
        }
        return result;
    }

    public static Dictionary<string, (string Type, string Value)> Evaluate(
        IReadOnlyList<(string Name, string Header)> macros, string includes, IReadOnlyList<string> clangArgs,
        List<(string Name, string Reason)> skipped)
    {
        var values = new Dictionary<string, (string, string)>(StringComparer.Ordinal);
        var pointerMacros = new List<string>();
        var probe = new StringBuilder(includes);
        foreach (var (name, _) in macros) probe.Append($"__auto_type {ProbePrefix}{name} = ({name});\n");

        using (var unit = TranslationUnit.Parse("nc_macro_probe.c", probe.ToString(), clangArgs, allowErrors: true))
        {
            foreach (CXCursor v in ProbeVariables(unit))
            {
                string name = v.Spelling()[ProbePrefix.Length..];
                if (clang_isInvalidDeclaration(v) != 0) { skipped.Add((name, "macro is not a value expression")); continue; }
                CXType type = v.Type().Canonical();
                if (type.Kind == CXTypeKind.Pointer && clang_getPointeeType(type).Canonical().Kind is not (CXTypeKind.Char_S or CXTypeKind.SChar))
                {
                    pointerMacros.Add(name);
                    continue;
                }
                var value = Read(v, type);
                if (value is null) skipped.Add((name, $"clang could not evaluate it ({type.Spelling()})"));
                else values[name] = value.Value;
            }
        }

        if (pointerMacros.Count > 0)
        {
            // Pointer-valued macros (e.g. DNNL_MEMORY_ALLOCATE): evaluate the address as an integer.
            var pointerProbe = new StringBuilder(includes);
            foreach (string name in pointerMacros)
                pointerProbe.Append($"unsigned long long {ProbePrefix}{name} = (unsigned long long)(__UINTPTR_TYPE__)({name});\n");
            using var unit = TranslationUnit.Parse("nc_pointer_probe.c", pointerProbe.ToString(), clangArgs, allowErrors: true);
            foreach (CXCursor v in ProbeVariables(unit))
            {
                string name = v.Spelling()[ProbePrefix.Length..];
                var value = clang_isInvalidDeclaration(v) != 0 ? null : Read(v, v.Type().Canonical());
                if (value is null) skipped.Add((name, "pointer macro clang could not evaluate"));
                else values[name] = ("void*", value.Value.Value);
            }
        }
        return values;
    }

    private static IEnumerable<CXCursor> ProbeVariables(TranslationUnit unit) =>
        unit.Cursor.Children().Where(c => c.Kind == CXCursorKind.VarDecl && c.Spelling().StartsWith(ProbePrefix, StringComparison.Ordinal));

    private static unsafe (string Type, string Value)? Read(CXCursor variable, CXType type)
    {
        nint result = clang_Cursor_Evaluate(variable);
        if (result == 0) return null;
        try
        {
            var kind = clang_EvalResult_getKind(result);
            var inv = CultureInfo.InvariantCulture;
            switch (kind)
            {
                case CXEvalResultKind.Int:
                    string csType = type.Kind switch
                    {
                        CXTypeKind.Int or CXTypeKind.Short or CXTypeKind.SChar or CXTypeKind.Char_S => "int",
                        CXTypeKind.UInt or CXTypeKind.UShort or CXTypeKind.UChar or CXTypeKind.Char_U => "uint",
                        CXTypeKind.Long or CXTypeKind.LongLong => "long",
                        CXTypeKind.ULong or CXTypeKind.ULongLong => "ulong",
                        CXTypeKind.Bool => "bool",
                        CXTypeKind.Enum => "int",
                        _ => "long",
                    };
                    if (csType == "bool") return ("bool", clang_EvalResult_getAsLongLong(result) != 0 ? "true" : "false");
                    return csType is "uint" or "ulong"
                        ? (csType, clang_EvalResult_getAsUnsigned(result).ToString(inv))
                        : (csType, clang_EvalResult_getAsLongLong(result).ToString(inv));
                case CXEvalResultKind.Float:
                    double d = clang_EvalResult_getAsDouble(result);
                    return type.Kind == CXTypeKind.Float
                        ? ("float", ((float)d).ToString("R", inv) + "f")
                        : ("double", d.ToString("R", inv));
                case CXEvalResultKind.StrLiteral:
                    return ("string", new string(clang_EvalResult_getAsStr(result)));
                default:
                    return null;
            }
        }
        finally
        {
            clang_EvalResult_dispose(result);
        }
    }
}
