using System.Text.Json;
using System.Text.Json.Serialization;

namespace NativeConv;

/// <summary>
/// How a network runs for one input shape: the chosen <see cref="Candidate"/>, what each candidate measured and the
/// margin the measurement could resolve, and where it was measured. A value to print, save and load: a service can
/// start with the plan a previous run measured. A plan from another CPU, another version of NativeConv or its
/// libraries, or another network is refused when a network is given it, saying why.
/// </summary>
public sealed record NetworkPlan
{
    /// <summary>The plan file format; a file of another one is refused.</summary>
    public const int CurrentFormat = 3;

    public int Format { get; init; } = CurrentFormat;

    /// <summary>The network's fingerprint: every operation's name and definition, hashed.</summary>
    public required string Network { get; init; }

    /// <summary>The input shapes the plan is for (logical N, C, H, W), one per graph input.</summary>
    public required IReadOnlyList<TensorShape> Inputs { get; init; }

    /// <summary>The caller's layout.</summary>
    public required TensorLayout Layout { get; init; }

    public required Candidate Chosen { get; init; }

    /// <summary>The machine it was measured on: CPU model, instruction sets, processors.</summary>
    public required string Machine { get; init; }

    /// <summary>NativeConv's and the native libraries' versions.</summary>
    public required string Versions { get; init; }

    /// <summary>Each candidate's µs per call as measured side by side (empty when nothing was measured: one backend, or a given plan).</summary>
    public IReadOnlyList<CandidateTime> Measured { get; init; } = [];

    /// <summary>
    /// The smallest relative difference the measurement could tell from noise (e.g. 0.02: candidates within 2% of each
    /// other were a tie); null when nothing was raced.
    /// </summary>
    public double? ResolvableMargin { get; init; }

    /// <summary>The file this plan was read from (<see cref="Load"/> or a plan directory); null for a plan made in this process.</summary>
    [JsonIgnore]
    public string? SourceFile { get; init; }

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter() },
        // A null where the type has none ("network": null, a candidate time's "candidate": null) is refused as the
        // text's fault, not met later as a NullReferenceException; the elements of a list are checked in FromJson.
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true, // a candidate time without its candidate, likewise
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Reads a plan; throws <see cref="FormatException"/> saying what is wrong with the text.</summary>
    public static NetworkPlan FromJson(string json)
    {
        try
        {
            // The format first: a file of another format is refused as such, not for the fields it lacks.
            using (JsonDocument document = JsonDocument.Parse(json))
            {
                if (document.RootElement.ValueKind != JsonValueKind.Object) throw new FormatException($"not a network plan: a JSON {document.RootElement.ValueKind}, not an object");
                int format = document.RootElement.TryGetProperty("format", out JsonElement f) && f.TryGetInt32(out int n) ? n : CurrentFormat;
                if (format != CurrentFormat) throw new FormatException($"plan format {format}, this NativeConv reads {CurrentFormat}");
            }
            NetworkPlan plan = JsonSerializer.Deserialize<NetworkPlan>(json, Json) ?? throw new FormatException("the plan is empty (null)");
            if (plan.Chosen is null) throw new FormatException("the plan names no chosen candidate");
            int missing = plan.Measured.ToList().FindIndex(t => t is null);
            if (missing >= 0) throw new FormatException($"not a network plan: measured[{missing}] is null, not a candidate's time");
            for (int k = 0; k < plan.Inputs.Count; k++)
            {
                TensorShape shape = plan.Inputs[k];
                // A shape no tensor can have: saving the plan again would fail on it (its length is written too).
                if (shape.Batch < 1 || shape.Channels < 1 || shape.Height < 1 || shape.Width < 1 || (long)shape.Batch * shape.Channels * shape.Height * shape.Width > Array.MaxLength)
                    throw new FormatException($"not a network plan: inputs[{k}] {shape} is no tensor's shape (every dimension at least 1, at most {Array.MaxLength} elements)");
            }
            return plan;
        }
        catch (Exception e) when (e is JsonException or ArgumentException or NotSupportedException or InvalidOperationException)
        {
            throw new FormatException($"not a network plan: {e.Message}", e);
        }
    }

    public void Save(string path) => OutputFile.WriteText(path, ToJson());

    /// <summary>Reads the plan in <paramref name="path"/> (<see cref="SourceFile"/> says so); throws <see cref="FormatException"/> saying what is wrong with the text.</summary>
    public static NetworkPlan Load(string path) => FromJson(File.ReadAllText(path)) with { SourceFile = Path.GetFullPath(path) };

    /// <summary>Null when this plan was measured for <paramref name="network"/> of <paramref name="operations"/> operations here; otherwise why not.</summary>
    internal string? CheckFits(string network, string machine, string versions, int operations)
    {
        if (Network != network) return $"it was measured for another network ({Network}, this one is {network})";
        if (Machine != machine) return $"it was measured on another machine ({Machine}; this one is {machine})";
        if (Versions != versions) return $"it was measured with other versions ({Versions}; these are {versions})";
        if (Chosen.Backends.Count != operations) return $"it names the backends of {Chosen.Backends.Count} operations, the network has {operations}";
        if (!Enum.IsDefined(Chosen.Split)) return $"its batch split ({(int)Chosen.Split}) is none of {string.Join(", ", Enum.GetNames<BatchSplit>())}";
        if (Chosen.WholeRuntime && Chosen.IsMixed) return "it runs the network whole on more than one backend";
        if (Inputs.Count == 0) return "it names no input shape";
        if (Chosen.Split == BatchSplit.ImagesAcrossThreads && Inputs[0].Batch < 2) return "it shares the images of a batch of one between threads";
        return null;
    }

    public override string ToString() =>
        $"{Chosen} for {string.Join(", ", Inputs.Select(i => i.ToString(Layout)))}"
        + (Measured.Count == 0 ? "" : ": " + string.Join(", ", Measured.OrderBy(t => t.Microseconds)))
        + (ResolvableMargin is { } margin ? $" (resolvable: {margin:0.0%})" : "")
        + (SourceFile is null ? "" : $" (read from {SourceFile})");
}
