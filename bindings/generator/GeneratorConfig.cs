namespace NativeConv.BindingGenerator;

/// <summary>
/// One library's generation settings, read from a checked-in response file (one option per line,
/// '#' starts a comment; in the spirit of TerraFX's generate.rsp). Paths are relative to the repo root.
/// </summary>
internal sealed class GeneratorConfig
{
    public string LibraryLabel = "";            // --library-label oneDNN
    public string LibraryName = "";             // --library-name nativeconv_dnnl   (DllImport name)
    public string Namespace = "";               // --namespace NativeConv.Interop.OneDnn
    public string ClassName = "";               // --class Dnnl
    public string Output = "";                  // --output bindings/.../Generated
    public List<string> IncludeDirs = new();    // --include-dir artifacts/native/{rid}/include
    public List<string> Headers = new();        // --header oneapi/dnnl/dnnl.h   (what the unit #includes)
    public List<string> Traverse = new();       // --traverse oneapi/dnnl/dnnl_types.h  (whose declarations count)
    public List<string> FunctionPrefixes = new(); // --function-prefix dnnl_
    public List<string> Functions = new();      // --function pthreadpool_create  (exact names)
    public List<string> TypePrefixes = new();   // --type-prefix dnnl_
    public List<string> MacroPrefixes = new();  // --macro-prefix DNNL_
    public List<string> FlagsEnums = new();     // --flags-enum dnnl_stream_flags_t
    public List<(string Prefix, string EnumName, string Underlying)> MacroEnums = new(); // --macro-enum XNN_FLAG_ xnn_flags uint
    public Dictionary<string, string> Excludes = new(); // --exclude NAME: reason
    public string VersionLabel = "";            // --version "{DNNL_VERSION_MAJOR}.{DNNL_VERSION_MINOR}" or --version-pin xnnpack
    public string VersionPin = "";
    public string PinsFile = "cmake/NativeConvPins.cmake";
    public string Target = "";                  // --target x86_64-pc-linux-gnu  (default: the --rid's, see Targets)
    public List<string> ClangArgs = new();      // --clang-arg -DNAME=VALUE  (extra arguments for libclang)

    /// <summary>Reads <paramref name="path"/>; <c>{rid}</c> in its values stands for <paramref name="rid"/>.</summary>
    public static GeneratorConfig Load(string path, string rid)
    {
        var config = new GeneratorConfig();
        int lineNumber = 0;
        foreach (string raw in File.ReadAllLines(path))
        {
            lineNumber++;
            string line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            int space = line.IndexOf(' ');
            string option = space < 0 ? line : line[..space];
            string value = space < 0 ? "" : line[(space + 1)..].Trim().Replace("{rid}", rid, StringComparison.Ordinal);
            string[] words = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            switch (option)
            {
                case "--library-label": config.LibraryLabel = value; break;
                case "--library-name": config.LibraryName = value; break;
                case "--namespace": config.Namespace = value; break;
                case "--class": config.ClassName = value; break;
                case "--output": config.Output = value; break;
                case "--include-dir": config.IncludeDirs.AddRange(words); break;
                case "--header": config.Headers.AddRange(words); break;
                case "--traverse": config.Traverse.AddRange(words); break;
                case "--function-prefix": config.FunctionPrefixes.AddRange(words); break;
                case "--function": config.Functions.AddRange(words); break;
                case "--type-prefix": config.TypePrefixes.AddRange(words); break;
                case "--macro-prefix": config.MacroPrefixes.AddRange(words); break;
                case "--flags-enum": config.FlagsEnums.AddRange(words); break;
                case "--macro-enum" when words.Length == 3: config.MacroEnums.Add((words[0], words[1], words[2])); break;
                case "--exclude":
                    int colon = value.IndexOf(':');
                    if (colon <= 0) throw Bad("--exclude NAME: reason");
                    config.Excludes[value[..colon].Trim()] = value[(colon + 1)..].Trim();
                    break;
                case "--version": config.VersionLabel = value; break;
                case "--version-pin": config.VersionPin = value; break;
                case "--pins": config.PinsFile = value; break;
                case "--target": config.Target = value; break;
                case "--clang-arg": config.ClangArgs.Add(value); break;
                default: throw Bad("a known option");
            }

            Exception Bad(string expected) =>
                new FormatException($"{path}:{lineNumber}: '{line}' is not {expected}");
        }
        foreach (var (name, value) in new[] { ("--library-name", config.LibraryName), ("--namespace", config.Namespace),
                     ("--class", config.ClassName), ("--output", config.Output) })
            if (value.Length == 0) throw new FormatException($"{path}: {name} is required");
        if (config.Headers.Count == 0) throw new FormatException($"{path}: at least one --header is required");
        if (config.Traverse.Count == 0) config.Traverse.AddRange(config.Headers);
        if (config.Target.Length == 0) config.Target = Targets.ClangTarget(rid);
        return config;
    }

    public bool IsExcluded(string name) => Excludes.ContainsKey(name);

    public bool WantsFunction(string name) =>
        !IsExcluded(name) && (Functions.Contains(name) || FunctionPrefixes.Any(name.StartsWith));

    public bool WantsType(string name) => !IsExcluded(name) && TypePrefixes.Any(name.StartsWith);

    public bool WantsMacro(string name) =>
        !IsExcluded(name) && (MacroPrefixes.Any(name.StartsWith) || MacroEnums.Any(e => name.StartsWith(e.Prefix)));
}
