namespace NativeConv.Onnx;

/// <summary>
/// What an operator's lowering (<see cref="OnnxOp.Lower"/>) reads and writes: the feature maps made so far by ONNX
/// value name, the constants, the builder; and where it reports what a node became or why it cannot run. A value made
/// by a node that could not run is "missing": its readers are not reported for it again.
/// </summary>
internal sealed class LowerContext(OnnxGraph graph, GraphBuilder builder)
{
    private readonly Dictionary<string, FeatureMap> _maps = new(StringComparer.Ordinal);
    private readonly HashSet<string> _missing = new(StringComparer.Ordinal);
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);

    public OnnxGraph Graph { get; } = graph;

    public GraphBuilder Builder { get; } = builder;

    public int Opset => Graph.Opset;

    public List<OnnxUnsupportedNode> Unsupported { get; } = [];

    /// <summary>Per node, the operations it became (builder names).</summary>
    public Dictionary<Node, List<string>> Operations { get; } = [];

    public ValueInfo? Info(Node node, int k) => Graph.InfoOf(node.Input(k));

    public Tensor? Constant(Node node, int k) => Graph.ConstantOf(node.Input(k));

    /// <summary>Input k as a feature map; null when it is a constant, absent, or missing.</summary>
    public FeatureMap? Map(Node node, int k) => _maps.TryGetValue(node.Input(k), out FeatureMap map) ? map : null;

    /// <summary>Whether input k was made by a node that could not run (already reported).</summary>
    public bool Missing(Node node, int k) => _missing.Contains(node.Input(k));

    /// <summary>Whether any input is missing: the node is lowered no further and not reported for it.</summary>
    public bool AnyMissing(Node node) => node.Inputs.Any(_missing.Contains);

    public void Input(string name, Value value) => _maps[name] = new FeatureMap(value, 4);

    public FeatureMap? Output(string name) => _maps.TryGetValue(name, out FeatureMap map) ? map : null;

    public bool IsMissing(string name) => _missing.Contains(name);

    /// <summary>
    /// A rank-4 feature map made so far whose height and width are <paramref name="height"/> and <paramref name="width"/>
    /// (the same symbols: the same sizes at every call); null if none.
    /// </summary>
    public FeatureMap? MapOfSize(Dim height, Dim width)
    {
        foreach (var (name, map) in _maps)
            if (map.Rank == 4 && Graph.InfoOf(name)?.Shape is [_, _, var h, var w] && h.SameAs(height) && w.SameAs(width)) return map;
        return null;
    }

    /// <summary>Output k of the node is <paramref name="value"/>, made by the builder operation of the same name.</summary>
    public void Define(Node node, int k, Value value, int rank)
    {
        _maps[node.Outputs[k]] = new FeatureMap(value, rank);
        Made(node, value.Name);
    }

    /// <summary>Outputs 0, 1, ... are <paramref name="values"/>, made together by the builder operation <paramref name="operation"/> (a split's parts).</summary>
    public void DefineAll(Node node, IReadOnlyList<Value> values, int rank, string operation)
    {
        for (int k = 0; k < values.Count; k++) _maps[node.Outputs[k]] = new FeatureMap(values[k], rank);
        Made(node, operation);
    }

    /// <summary>Output k is the same data as <paramref name="map"/> seen with another rank (a view: no operation).</summary>
    public void Alias(Node node, int k, FeatureMap map, int rank) => _maps[node.Outputs[k]] = map with { Rank = rank };

    public void Made(Node node, string operation)
    {
        if (!Operations.TryGetValue(node, out var list)) Operations[node] = list = [];
        list.Add(operation);
    }

    /// <summary>The node cannot run: reported with <paramref name="reason"/>, its outputs missing.</summary>
    public void Refuse(Node node, string reason)
    {
        Unsupported.Add(new OnnxUnsupportedNode(node.Kind, node.Name, reason));
        foreach (string output in node.Outputs) _missing.Add(output);
    }

    /// <summary>
    /// Whether the node is lowered no further: refused with <paramref name="reason"/> when there is one, else skipped
    /// when an input is missing (made by a node that could not run).
    /// </summary>
    public bool Stops(Node node, string? reason)
    {
        if (reason is not null) Refuse(node, reason);
        else if (AnyMissing(node)) Skip(node);
        else return false;
        return true;
    }

    /// <summary>Why input k cannot feed an operation: null for a feature map or a missing input, a reason for a constant.</summary>
    public string? NotMap(Node node, int k, string what = "its input") =>
        Map(node, k) is null && !Missing(node, k) ? $"{what} is a constant, not a feature map computed at a call" : null;

    /// <summary>The outputs are missing without a report of their own (an input was missing).</summary>
    public void Skip(Node node)
    {
        foreach (string output in node.Outputs) _missing.Add(output);
    }

    /// <summary>A graph input or value that cannot run (already reported): its readers are skipped.</summary>
    public void MarkMissing(string name) => _missing.Add(name);

    /// <summary>A builder name from the node's, unique among the graph's values (inputs' names included).</summary>
    public string Name(Node node, string? suffix = null)
    {
        string name = suffix is null ? node.Name : $"{node.Name}/{suffix}";
        string unique = name;
        for (int k = 2; !_names.Add(unique); k++) unique = $"{name}_{k}";
        return unique;
    }

    /// <summary>Reserves a graph input's name.</summary>
    public void Reserve(string name) => _names.Add(name);
}
