namespace NativeConv.Cli;

/// <summary>`nativeconv net run` and `net bench` arguments.</summary>
internal sealed record NetOptions(MobileNetModel Model, string? Weights, string? Input, string? Output, TensorLayout Layout,
    string Backend, int Threads, int Batch, int Seed, double MinMilliseconds, bool Json, bool Explain, bool Profile, string? Plan, string? SavePlan,
    bool AllowMixed = true, string Precision = "fp32", bool Whole = false, string? PlanDirectory = null, double? PlanningMilliseconds = null)
{
    public static readonly string[] RunFlags = ["--model", "--weights", "--input", "--output", "--layout", "--backend", "--threads", "--seed", "--plan", "--save-plan", "--plan-dir", "--planning-ms"];

    public static readonly string[] RunSwitches = ["--whole", "--no-mix"];

    public static readonly string[] BenchFlags = ["--model", "--weights", "--layout", "--backend", "--threads", "--batch", "--seed", "--min-ms", "--plan", "--save-plan", "--plan-dir", "--precision", "--planning-ms"];

    public static readonly string[] BenchSwitches = ["--json", "--explain", "--profile", "--no-mix", "--whole"];

    public static readonly string[] PlansFlags = ["--model", "--weights", "--layout", "--threads", "--batch", "--seed", "--rounds", "--block-ms", "--planning-ms"];

    public static readonly string[] PlansSwitches = ["--json", "--no-mix"];

    public static NetOptions Parse(CommandLine line, bool run) => new(
        MobileNets.Parse(line.Get("--model") ?? throw new ArgumentException("--model is required (v1, v1-body, v2, v3-small or v3-large)")),
        line.Get("--weights"),
        run ? line.Require("--input") : null,
        run ? line.Require("--output") : null,
        RunOptions.ParseLayout(line.Get("--layout", "nchw")),
        line.Get("--backend", "auto"),
        Positive(line.GetInt("--threads", 0), "--threads", allowZero: true),
        Positive(line.GetInt("--batch", 1), "--batch", allowZero: false),
        line.GetInt("--seed", 0),
        double.Parse(line.Get("--min-ms", "1000"), System.Globalization.CultureInfo.InvariantCulture),
        line.Has("--json"),
        line.Has("--explain"),
        line.Has("--profile"),
        line.Get("--plan"),
        line.Get("--save-plan"),
        !line.Has("--no-mix"),
        line.Get("--precision", "fp32") is var p && p is "fp32" or "bf16" or "int8" or "qd8" ? p : throw new ArgumentException($"--precision must be fp32, bf16, int8 or qd8, not '{p}'"),
        line.Has("--whole"),
        line.Get("--plan-dir"),
        line.Get("--planning-ms") is { } ms ? PositiveMilliseconds(ms, "--planning-ms") : null);

    private static double PositiveMilliseconds(string text, string flag) =>
        double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double ms) && ms >= 0
            ? ms : throw new ArgumentException($"{flag} must be a number of milliseconds, 0 or more, not '{text}'");

    /// <summary>The backends' options: --threads.</summary>
    public NativeConvOptions BackendOptions() => new() { Threads = Threads };

    /// <summary>The network's options: --backend, --layout, --precision, --plan, --plan-dir, --whole, --no-mix, --planning-ms.</summary>
    public NetworkOptions NetworkOptions()
    {
        if (Backend != NativeConv.NetworkOptions.Auto)
        {
            if (Plan is not null) throw new ArgumentException("--plan needs --backend auto: a plan chooses the backends", "--plan");
            if (PlanDirectory is not null) throw new ArgumentException("--plan-dir needs --backend auto: a plan chooses the backends", "--plan-dir");
        }
        else if (Whole) throw new ArgumentException("--whole needs a backend (--backend xnnpack)", "--whole");
        return new()
        {
            Backend = Backend, Layout = Layout, Threads = Threads, WholeRuntime = Whole, Mixing = AllowMixed, PlanDirectory = PlanDirectory,
            Plan = Plan is null ? null : NetworkPlan.Load(Plan),
            PlanningBudget = PlanningMilliseconds is { } ms ? TimeSpan.FromMilliseconds(ms) : null,
            Precision = Precision switch { "bf16" => ConvPrecision.BFloat16, "qd8" => ConvPrecision.DynamicInt8, _ => ConvPrecision.Float32 },
        };
    }

    /// <summary>The network on --backend ("auto": measured per shape, or following --plan when it fits, else saying why).</summary>
    public ConvNetwork CreateNetwork(IReadOnlyList<NetworkBlock> blocks, ConvBackends backends, TextWriter log)
    {
        var network = new ConvNetwork(blocks, backends, NetworkOptions());
        if (network.PlanRejection is { } why) log.WriteLine($"--plan {Plan} not used ({why}); measuring instead");
        return network;
    }

    /// <summary>Once the plan is chosen, with --plan-dir: whether the plan was read from there or measured and saved there, and any problem with its file.</summary>
    public void ReportPlanFile(ConvNetwork network, TensorShape shape, TextWriter log)
    {
        if (PlanDirectory is null) return;
        NetworkPlan plan = network.PlanFor(shape.Batch, shape.Height, shape.Width) ?? throw new InvalidOperationException("no plan yet for the shape");
        // A plan given with --plan has a source file too: only one from the directory was followed from there.
        if (plan.SourceFile is { } file && Path.GetDirectoryName(file) == Path.GetFullPath(PlanDirectory).TrimEnd(Path.DirectorySeparatorChar))
            log.WriteLine($"--plan-dir: followed {Path.GetFileName(file)}, not measured");
        else if (plan.SourceFile is not null) log.WriteLine("--plan-dir: not used for this shape (--plan was followed)");
        else if (network.PlanFileProblem is null) log.WriteLine($"--plan-dir: measured, and kept in {PlanDirectory}");
        if (network.PlanFileProblem is { } problem) log.WriteLine($"--plan-dir: {problem}");
    }

    /// <summary>Once the plan is chosen: --save-plan writes the plan used for the shape.</summary>
    public void SavePlanIfAsked(ConvNetwork network, TensorShape shape, TextWriter log)
    {
        if (SavePlan is null) return;
        NetworkPlan plan = network.PlanFor(shape.Batch, shape.Height, shape.Width) ?? throw new InvalidOperationException("no plan yet for the shape");
        plan.Save(SavePlan);
        log.WriteLine($"saved the plan ({plan}) to {SavePlan}");
    }

    private static int Positive(int value, string flag, bool allowZero) =>
        value > 0 || (allowZero && value == 0) ? value : throw new ArgumentException($"{flag} must be {(allowZero ? "0 or more" : "at least 1")}, not {value}");

    /// <summary>The input every `net` timing command runs on: uniform in [-1, 1) from --seed, in a 64-byte aligned buffer.</summary>
    public AlignedFloatBuffer SeededInput(TensorShape shape)
    {
        var input = new AlignedFloatBuffer(shape.Length);
        var random = new Random(Seed);
        Span<float> x = input.Span;
        for (int i = 0; i < x.Length; i++) x[i] = (float)(random.NextDouble() * 2 - 1);
        return input;
    }

    /// <summary>The weights: the .npz file, or seeded random ones (said so on the log).</summary>
    public IReadOnlyList<NetworkBlock> LoadBlocks(TextWriter log)
    {
        if (Weights is null)
        {
            log.WriteLine($"no --weights: {MobileNets.NameOf(Model)} with seeded random weights (seed {Seed})");
            return MobileNets.Blocks(Model, new RandomStateDict(Seed));
        }
        using var file = new NpzStateDict(Weights);
        return MobileNets.Blocks(Model, file);
    }
}
