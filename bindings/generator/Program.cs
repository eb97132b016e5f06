using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;
using NativeConv.BindingGenerator;
using NativeConv.BindingGenerator.Clang;
using NativeConv.BindingGenerator.Emit;
using NativeConv.BindingGenerator.Model;

// usage: NativeConv.BindingGenerator [--root DIR] [--output-root DIR] [--rid RID] [--libclang PATH] CONFIG.rsp...
//   --root         repository root; config paths are relative to it (default: current directory)
//   --output-root  write under DIR/<config --output> instead of the repository (the regeneration check)
//   --rid          the runtime whose staged headers are read: {rid} in a config's paths, and the clang
//                  target unless the config names one (default: this machine's, e.g. linux-x64). The
//                  output must not depend on it: the bindings are one for every runtime.
//   --libclang     path of libclang's shared library (default: Debian's libclang-14.so.1, else another
//                  /usr/lib/llvm-N's)
string root = Directory.GetCurrentDirectory();
string? outputRoot = null;
string? libclang = null;
string rid = Targets.HostRid;
var configs = new List<string>();
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--root": root = Path.GetFullPath(args[++i]); break;
        case "--output-root": outputRoot = Path.GetFullPath(args[++i]); break;
        case "--rid": rid = args[++i]; break;
        case "--libclang": libclang = args[++i]; break;
        default: configs.Add(args[i]); break;
    }
}
if (configs.Count == 0)
{
    Console.Error.WriteLine("usage: NativeConv.BindingGenerator [--root DIR] [--output-root DIR] [--rid RID] [--libclang PATH] CONFIG.rsp...");
    return 2;
}

// The llvm-N whose libclang was loaded: its resource directory (stddef.h and friends) goes with it.
string? llvmDir = null;
NativeLibrary.SetDllImportResolver(typeof(LibClang).Assembly, (name, assembly, path) =>
{
    if (name != LibClang.Library) return 0;
    var candidates = libclang is not null
        ? new List<(string File, string? LlvmDir)> { (libclang, null) }
        : Targets.LibClangCandidates();
    foreach (var (candidate, dir) in candidates)
        if (NativeLibrary.TryLoad(candidate, out nint handle))
        {
            llvmDir = dir;
            return handle;
        }
    throw new DllNotFoundException($"libclang not found (tried {string.Join(", ", candidates.Select(c => c.File))}); install Debian's libclang1-14 or pass --libclang PATH");
});

try
{
    foreach (string configPath in configs)
    {
        var config = GeneratorConfig.Load(Path.Combine(root, configPath), rid);
        string configName = Path.GetFileName(configPath);
        var includeDirs = config.IncludeDirs.Select(d => Path.GetFullPath(Path.Combine(root, d))).ToList();
        foreach (string dir in includeDirs)
            if (!Directory.Exists(dir))
                throw new DirectoryNotFoundException($"{configName}: include directory {dir} does not exist (run build/native.sh first)");

        // Plain char is signed on x86-64 and unsigned on AArch64 Linux. These APIs pass only text and
        // ASCII flags through it ('N'/'T'), where the sign never matters, so it is read as signed on every
        // target: the bindings stay one for all runtimes (sbyte, as they were generated for linux-x64).
        var clangArgs = new List<string> { "-x", "c", "-std=gnu11", $"--target={config.Target}", "-fsigned-char" };
        string? resourceDir = Targets.ClangResourceDir(llvmDir);
        if (resourceDir is not null) clangArgs.AddRange(["-resource-dir", resourceDir]);
        foreach (string dir in includeDirs) clangArgs.Add("-I" + dir);
        clangArgs.AddRange(config.ClangArgs);
        string includes = string.Concat(config.Headers.Select(h => $"#include <{h}>\n"));

        using var unit = TranslationUnit.Parse("nc_bindings.c", includes, clangArgs, allowErrors: false);
        var reader = new HeaderReader(config, includeDirs);
        LibraryModel model = reader.Read(unit.Cursor);

        var macros = MacroEvaluator.Candidates(unit.Cursor, config, reader.TraversedHeader);
        var values = MacroEvaluator.Evaluate(macros, includes, clangArgs, model.Skipped);
        foreach (var (name, header) in macros)
        {
            if (!values.TryGetValue(name, out var v)) continue;
            var macroEnum = config.MacroEnums.FirstOrDefault(m => name.StartsWith(m.Prefix, StringComparison.Ordinal));
            if (macroEnum.EnumName is not null && v.Type is "int" or "uint" or "long" or "ulong")
            {
                EnumModel? e = model.Enums.FirstOrDefault(x => x.Name == macroEnum.EnumName);
                if (e is null)
                {
                    e = new EnumModel(macroEnum.EnumName, macroEnum.Underlying, IsFlags: true, new List<EnumMember>(), header);
                    model.Enums.Add(e);
                }
                e.Members.Add(new EnumMember(name, "0x" + ulong.Parse(v.Value, CultureInfo.InvariantCulture).ToString("X8", CultureInfo.InvariantCulture)));
            }
            if (config.MacroPrefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal)))
                model.Constants.Add(new ConstantModel(name, v.Type, v.Value, header));
        }
        model.Version = Version(config, root, values);

        string output = Path.Combine(outputRoot ?? root, config.Output);
        var files = new CSharpEmitter(config, model, configName).Files();
        if (model.Structs.Count + model.Enums.Count + model.Constants.Count > 0)
            files["layout_probe.c"] = LayoutProbeEmitter.Source(config, model, configName);
        WriteOutput(output, files);

        Console.WriteLine($"{configName}: {config.LibraryLabel} {model.Version}: {model.Functions.Count} functions, " +
            $"{model.Enums.Count} enums, {model.Structs.Count} structs, {model.Handles.Count} handles, " +
            $"{model.OpaqueStructs.Count} opaque structs, {model.Constants.Count} constants -> {Path.GetRelativePath(root, output)}");
        foreach (var group in model.Skipped.GroupBy(s => s.Reason))
            Console.WriteLine($"  skipped ({group.Key}): {string.Join(", ", group.Select(s => s.Name))}");
    }
    return 0;
}
catch (Exception e) when (e is InvalidOperationException or NotSupportedException or IOException or FormatException or DllNotFoundException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}

// The generated tree holds nothing but generator output, so it is replaced whole.
static void WriteOutput(string output, IReadOnlyDictionary<string, string> files)
{
    if (Directory.Exists(output)) Directory.Delete(output, recursive: true);
    var utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
    foreach (var (relative, text) in files.OrderBy(f => f.Key, StringComparer.Ordinal))
    {
        string path = Path.Combine(output, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text, utf8);
    }
}

static string Version(GeneratorConfig config, string root, Dictionary<string, (string Type, string Value)> macros)
{
    if (config.VersionPin.Length > 0)
    {
        string pins = File.ReadAllText(Path.Combine(root, config.PinsFile));
        var match = Regex.Match(pins, $@"set\(NC_{Regex.Escape(config.VersionPin)}_VERSION\s+""([^""]+)""\)");
        if (!match.Success) throw new FormatException($"no NC_{config.VersionPin}_VERSION in {config.PinsFile}");
        return match.Groups[1].Value;
    }
    return Regex.Replace(config.VersionLabel, @"\{(\w+)\}", m =>
        macros.TryGetValue(m.Groups[1].Value, out var v) ? v.Value : throw new FormatException($"--version names unknown macro {m.Groups[1].Value}"));
}
