using System.Globalization;

namespace NativeConv.Benchmarks.Ort;

/// <summary>
/// What the modes that run one .onnx file in both libraries share on their command lines: the model, its name and input,
/// NativeConv's backend, the memory children's calls, --json, and a fresh child's --child, --library and --shape (the
/// input's NCHW shape, batch included, so a child never loads the other library to learn it).
/// </summary>
internal abstract record ModelRunOptions
{
    public required string ModelPath { get; init; }
    public string Name { get; init; } = "";
    public string? InputPath { get; init; }
    public string Backend { get; init; } = NetworkOptions.Auto;
    public int MemoryCalls { get; init; } = 20;
    public bool Json { get; init; }

    /// <summary>In a child: which measurement; null in the parent.</summary>
    public string? Child { get; init; }

    /// <summary>In a child: "nativeconv" or "ort".</summary>
    public string? Library { get; init; }

    /// <summary>In a child: the input's NCHW shape, batch included.</summary>
    public int[]? Shape { get; init; }

    /// <summary>A mode's entry: its options parsed (a bad command line prints why and returns 2), then <paramref name="run"/>.</summary>
    public static int Run<T>(string[] args, Func<string[], T> parse, Func<T, int> run) where T : ModelRunOptions
    {
        T options;
        try
        {
            options = parse(args);
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            Console.Error.WriteLine(e.Message);
            return 2;
        }
        return run(options);
    }

    /// <summary>
    /// Reads <paramref name="args"/> into <paramref name="options"/>: the shared flags here, the mode's own through
    /// <paramref name="own"/> (given the flag and its value's reader; null: not one of them), then checks the shared ones.
    /// </summary>
    protected static T Parse<T>(string[] args, T options, string usage, string[] children, Func<T, string, Func<string>, T?> own) where T : ModelRunOptions
    {
        for (int i = 0; i < args.Length; i++)
        {
            string flag = args[i];
            string Value() => ++i < args.Length ? args[i] : throw new ArgumentException($"{flag} needs a value\n{usage}");
            ModelRunOptions shared = options;
            options = flag switch
            {
                "--model" => (T)(shared with { ModelPath = Value() }),
                "--name" => (T)(shared with { Name = Value() }),
                "--input" => (T)(shared with { InputPath = Value() }),
                "--backend" => (T)(shared with { Backend = Value() }),
                "--memory-calls" => (T)(shared with { MemoryCalls = Int(Value()) }),
                "--json" => (T)(shared with { Json = true }),
                "--child" => (T)(shared with { Child = Value() }),
                "--library" => (T)(shared with { Library = Value() }),
                "--shape" => (T)(shared with { Shape = Value().Split('x').Select(Int).ToArray() }),
                _ => own(options, flag, Value) ?? throw new ArgumentException($"unknown argument '{flag}'\n{usage}"),
            };
        }
        if (options.ModelPath.Length == 0) throw new ArgumentException($"--model is required\n{usage}");
        if (options.MemoryCalls < 1) throw new ArgumentException($"--memory-calls must be >= 1\n{usage}");
        if ((options.Child is not null && !children.Contains(options.Child)) || options.Library is not (null or "nativeconv" or "ort"))
            throw new ArgumentException($"--child is {string.Join(" or ", children)}, --library nativeconv or ort");
        if (options.Child is not null && (options.Library is null || options.Shape is not { Length: 4 }))
            throw new ArgumentException("a child needs --library and --shape NxCxHxW");
        ModelRunOptions named = options;
        return (T)(named with { Name = options.Name.Length > 0 ? options.Name : Path.GetFileNameWithoutExtension(options.ModelPath) });
    }

    /// <summary>A child's arguments for the shared flags: <paramref name="mode"/>'s measurement <paramref name="child"/> of <paramref name="library"/> at <paramref name="shape"/>.</summary>
    protected List<string> SharedChildArguments(string mode, string child, string library, int[] shape)
    {
        var args = new List<string> { mode, "--model", ModelPath, "--backend", Backend, "--memory-calls", Int(MemoryCalls),
            "--child", child, "--library", library, "--shape", string.Join("x", shape) };
        if (InputPath is not null) args.AddRange(["--input", InputPath]);
        return args;
    }

    protected static int Int(string text) => int.Parse(text, CultureInfo.InvariantCulture);

    protected static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);
}
