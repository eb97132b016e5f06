using System.Text.Json;
using System.Text.Json.Serialization;

namespace NativeConv;

/// <summary>
/// How a network runs for one input shape, as measured (or pinned): the backend of every convolution,
/// whether residual adds are fused into the convolutions before them, what each candidate measured, and
/// where it was measured. A value to print, save and load: a service can start with the plan a previous
/// run measured. A plan from another CPU, another version of NativeConv or its libraries, or another
/// network is refused when it is loaded into a network, saying why (<see cref="CheckFits"/>).
/// </summary>
public sealed record NetworkPlan
{
    /// <summary>The plan file format; a file of another one is refused.</summary>
    public const int CurrentFormat = 1;

    public int Format { get; init; } = CurrentFormat;

    /// <summary>The network's fingerprint: every operation's name and spec, hashed.</summary>
    public required string Network { get; init; }

    public required int Batch { get; init; }

    public required int Height { get; init; }

    public required int Width { get; init; }

    public required TensorLayout Layout { get; init; }

    /// <summary>The candidate chosen, e.g. "onednn+sum" (oneDNN, residual adds fused), "xnnpack", "mixed".</summary>
    public required string Chosen { get; init; }

    /// <summary>The backend of each convolution, in the network's operation order (unfused numbering).</summary>
    public required IReadOnlyList<string> Backends { get; init; }

    /// <summary>Whether each residual add runs inside the convolution before it, where that backend can.</summary>
    public required bool FuseResidualSums { get; init; }

    /// <summary>Whether the network runs as one native object of its one backend (XNNPACK's subgraph runtime), not operation by operation.</summary>
    public bool WholeNetwork { get; init; }

    /// <summary>
    /// How the work is shared between threads, as measured: for a batch of more than one image, all at once or split into
    /// images; for one image, all at once or its rows shared for the first <see cref="BandedOperations"/> operations.
    /// </summary>
    public BatchMode Batching { get; init; }

    /// <summary>
    /// With <see cref="BatchMode.RowsAcrossThreads"/>: how many of the program's operations (counted after residual sums are
    /// fused, when they are) run in row bands, one per thread, before the rest runs on all threads. 0 otherwise.
    /// </summary>
    public int BandedOperations { get; init; }

    /// <summary>What runs: <see cref="Chosen"/>, and how the work is split when it is ("onednn+sum, image by image").</summary>
    [JsonIgnore]
    public string Description => Chosen + BatchingSuffix(Batching, BandedOperations);

    /// <summary>The name of a batch mode after a candidate's: "" for <see cref="BatchMode.AllAtOnce"/>.</summary>
    internal static string BatchingSuffix(BatchMode mode, int bandedOperations = 0) => mode switch
    {
        BatchMode.AllAtOnce => "",
        BatchMode.ImageByImage => ", image by image",
        BatchMode.ImagesAcrossThreads => ", images across threads",
        BatchMode.RowsAcrossThreads => $", rows across threads for {bandedOperations} operations",
        _ => $", batch mode {(int)mode} (unknown)", // printed, never run: CheckFits refuses it
    };

    /// <summary>The machine it was measured on: CPU model, instruction sets, processors, threads.</summary>
    public required string Machine { get; init; }

    /// <summary>NativeConv's and the native libraries' versions.</summary>
    public required string Versions { get; init; }

    /// <summary>
    /// Each candidate's µs per call, measured side by side in interleaved rounds and counted relative to the other
    /// candidates round by round (empty for a pinned plan).
    /// </summary>
    public IReadOnlyDictionary<string, double> MeasuredMicroseconds { get; init; } = new Dictionary<string, double>();

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter() },
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Reads a plan; throws <see cref="FormatException"/> saying what is wrong with the text.</summary>
    public static NetworkPlan FromJson(string json)
    {
        try
        {
            NetworkPlan plan = JsonSerializer.Deserialize<NetworkPlan>(json, Json) ?? throw new FormatException("the plan is empty (null)");
            if (plan.Format != CurrentFormat) throw new FormatException($"plan format {plan.Format}, this NativeConv reads {CurrentFormat}");
            return plan;
        }
        catch (JsonException e)
        {
            throw new FormatException($"not a network plan: {e.Message}", e);
        }
    }

    public void Save(string path) => OutputFile.WriteText(path, ToJson());

    /// <summary>Reads the plan in <paramref name="path"/> (<see cref="SourceFile"/> says so); throws <see cref="FormatException"/> saying what is wrong with the text.</summary>
    public static NetworkPlan Load(string path) => FromJson(File.ReadAllText(path)) with { SourceFile = Path.GetFullPath(path) };

    /// <summary>The file this plan was read from (<see cref="Load"/>, or <see cref="NativeConvOptions.PlanDirectory"/>); null for a plan made in this process.</summary>
    [JsonIgnore]
    public string? SourceFile { get; init; }

    /// <summary>Null when this plan can run <paramref name="network"/> here; otherwise why not.</summary>
    internal string? CheckFits(string network, string machine, string versions, int convolutions)
    {
        if (Network != network) return $"it was measured for another network ({Network}, this one is {network})";
        if (Machine != machine) return $"it was measured on another machine ({Machine}; this one is {machine})";
        if (Versions != versions) return $"it was measured with other versions ({Versions}; these are {versions})";
        if (Backends.Count != convolutions) return $"it names {Backends.Count} convolutions, the network has {convolutions}";
        if (!Enum.IsDefined(Batching)) return $"its batch mode ({(int)Batching}) is none of {string.Join(", ", Enum.GetNames<BatchMode>())}";
        if ((Batching == BatchMode.RowsAcrossThreads) != (BandedOperations != 0))
            return $"it names {BandedOperations} banded operations with batch mode {Batching}: only {BatchMode.RowsAcrossThreads} bands operations, and it bands at least one";
        if (Batching == BatchMode.RowsAcrossThreads && (Batch != 1 || WholeNetwork))
            return $"it shares rows between threads {(WholeNetwork ? "for a network run whole" : $"at batch {Batch}")}: rows are shared for one image, operation by operation";
        return null;
    }

    public override string ToString() =>
        $"{Description} for {Batch}x{Height}x{Width} {Layout}" + (MeasuredMicroseconds.Count == 0 ? " (pinned)"
            : ": " + string.Join(", ", MeasuredMicroseconds.OrderBy(p => p.Value).Select(p => $"{p.Key} {p.Value:0} µs")))
        + (SourceFile is null ? "" : $" (read from {SourceFile})");
}
