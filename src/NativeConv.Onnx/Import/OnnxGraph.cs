using Onnx;

namespace NativeConv.Onnx;

/// <summary>
/// The model's main graph as the importer works on it: constants (initializers), graph inputs and outputs, and nodes
/// in an order that runs. Made from the parsed file with every structural check an <see cref="OnnxFormatException"/>:
/// a value made twice (by two nodes, or by a node and an initializer or input), a value nothing makes, a cycle (the
/// nodes are sorted here, never trusted to be in order), a graph output nothing makes.
/// </summary>
internal sealed class OnnxGraph
{
    /// <summary>The domain of the operations fusions make that ONNX has no operator for.</summary>
    public const string NativeDomain = "nativeconv";

    public required string Model { get; init; }

    public required int Opset { get; init; }

    public required List<Node> Nodes { get; set; }

    /// <summary>The initializers' (and later the folded values') names, and their data (null: a type folding does not read).</summary>
    public required Dictionary<string, Tensor?> Constants { get; init; }

    public required IReadOnlyList<ValueInfoProto> Inputs { get; init; }

    public required IReadOnlyList<ValueInfoProto> Outputs { get; init; }

    /// <summary>Every value's information after folding (<see cref="Propagation"/>).</summary>
    public Dictionary<string, ValueInfo> Values { get; } = new(StringComparer.Ordinal);

    /// <summary>What became of each node that is no longer in <see cref="Nodes"/>: folded, removed, or the node it was fused into.</summary>
    public Dictionary<Node, (string Fate, Node? Into)> Fates { get; } = [];

    /// <summary>Why a node was not folded, where folding gave up on it (<see cref="InferContext.CanFold"/>).</summary>
    public Dictionary<Node, string> Notes { get; } = [];

    /// <summary>Every node as read from the file, in the sorted order.</summary>
    public List<Node> Original { get; private init; } = [];

    private int _names;

    public static OnnxGraph From(ModelProto model, int opset, string modelName, string? directory)
    {
        GraphProto graph = model.Graph ?? throw new OnnxFormatException($"{modelName}: the model has no graph");
        var constants = new Dictionary<string, Tensor?>(StringComparer.Ordinal);
        foreach (TensorProto initializer in graph.Initializer)
        {
            if (string.IsNullOrEmpty(initializer.Name)) throw new OnnxFormatException($"{modelName}: an initializer has no name");
            if (constants.ContainsKey(initializer.Name)) throw new OnnxFormatException($"{modelName}: two initializers are named '{initializer.Name}'");
            constants[initializer.Name] = TensorReader.Read(initializer, directory, "initializer");
        }
        var made = new HashSet<string>(constants.Keys, StringComparer.Ordinal);
        // Before IR version 4 every initializer was listed among the inputs too (a default a caller may override): those are constants here.
        var inputs = new List<ValueInfoProto>();
        foreach (ValueInfoProto input in graph.Input)
        {
            if (string.IsNullOrEmpty(input.Name)) throw new OnnxFormatException($"{modelName}: a graph input has no name");
            if (constants.ContainsKey(input.Name)) continue;
            if (!made.Add(input.Name)) throw new OnnxFormatException($"{modelName}: two graph inputs are named '{input.Name}'");
            inputs.Add(input);
        }
        var nodes = new List<Node>();
        var nodeNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (NodeProto proto in graph.Node)
        {
            string name = string.IsNullOrEmpty(proto.Name) ? $"{proto.OpType}_{nodes.Count}" : proto.Name;
            for (int k = 2; !nodeNames.Add(name); k++) name = $"{(string.IsNullOrEmpty(proto.Name) ? proto.OpType : proto.Name)}_{nodes.Count}_{k}";
            var attributes = new Dictionary<string, AttributeProto>(StringComparer.Ordinal);
            foreach (AttributeProto a in proto.Attribute)
                if (!attributes.TryAdd(a.Name, a)) throw new OnnxFormatException($"{modelName}: node {proto.OpType} '{name}' has two attributes named '{a.Name}'");
            var node = new Node(proto.OpType, proto.Domain, name, proto.Input.ToList(), proto.Output.ToList(), attributes);
            foreach (string output in node.Outputs)
            {
                if (output.Length == 0) continue; // an optional output not asked for
                if (!made.Add(output))
                    throw new OnnxFormatException($"{modelName}: value '{output}' is made twice (by {node} and by {(constants.ContainsKey(output) ? "an initializer" : inputs.Any(i => i.Name == output) ? "a graph input" : "another node")})");
            }
            nodes.Add(node);
        }
        foreach (Node node in nodes)
            foreach (string input in node.Inputs)
                if (input.Length > 0 && !made.Contains(input))
                    throw new OnnxFormatException($"{modelName}: {node} reads '{input}', which no node, initializer or graph input makes");
        var outputs = graph.Output.ToList();
        if (outputs.Count == 0) throw new OnnxFormatException($"{modelName}: the graph has no output");
        foreach (ValueInfoProto output in outputs)
            if (!made.Contains(output.Name)) throw new OnnxFormatException($"{modelName}: graph output '{output.Name}' is made by no node");
        if (outputs.Select(o => o.Name).Distinct().Count() != outputs.Count) throw new OnnxFormatException($"{modelName}: a graph output is listed twice");
        return new OnnxGraph
        {
            Model = modelName, Opset = opset, Nodes = Sort(nodes, modelName), Constants = constants, Inputs = inputs, Outputs = outputs,
            Original = Sort(nodes, modelName),
        };
    }

    /// <summary>Kahn's order, keeping the file's order among ready nodes; what remains is a cycle, named.</summary>
    private static List<Node> Sort(List<Node> nodes, string modelName)
    {
        var producer = new Dictionary<string, Node>(StringComparer.Ordinal);
        foreach (Node node in nodes)
            foreach (string output in node.Outputs)
                if (output.Length > 0) producer[output] = node;
        var waiting = new Dictionary<Node, int>();
        var readers = new Dictionary<Node, List<Node>>();
        foreach (Node node in nodes)
        {
            var from = node.Inputs.Where(i => i.Length > 0 && producer.ContainsKey(i)).Select(i => producer[i]).Distinct().ToList();
            waiting[node] = from.Count;
            foreach (Node p in from)
            {
                if (!readers.TryGetValue(p, out var list)) readers[p] = list = [];
                list.Add(node);
            }
        }
        var ready = new PriorityQueue<Node, int>();
        var position = nodes.Select((n, i) => (n, i)).ToDictionary(p => p.n, p => p.i);
        foreach (Node node in nodes)
            if (waiting[node] == 0) ready.Enqueue(node, position[node]);
        var sorted = new List<Node>(nodes.Count);
        while (ready.TryDequeue(out Node? node, out _))
        {
            sorted.Add(node);
            foreach (Node reader in readers.GetValueOrDefault(node) ?? [])
                if (--waiting[reader] == 0) ready.Enqueue(reader, position[reader]);
        }
        if (sorted.Count < nodes.Count)
        {
            var cycle = nodes.Where(n => waiting[n] > 0).Take(6).Select(n => n.ToString());
            throw new OnnxFormatException($"{modelName}: the graph has a cycle through {string.Join(", ", cycle)}{(nodes.Count - sorted.Count > 6 ? ", ..." : "")}");
        }
        return sorted;
    }

    /// <summary>A value name no value has yet (for constants a fusion makes).</summary>
    public string NewName(string hint)
    {
        string name;
        do name = $"{hint}#{++_names}";
        while (Values.ContainsKey(name) || Constants.ContainsKey(name));
        return name;
    }

    /// <summary>Adds a constant a fusion made (e.g. transposed weights).</summary>
    public string AddConstant(string hint, Tensor tensor)
    {
        string name = NewName(hint);
        Constants[name] = tensor;
        Values[name] = ValueInfo.Of(tensor);
        return name;
    }

    /// <summary>The node that makes each value.</summary>
    public Dictionary<string, Node> Producers()
    {
        var producers = new Dictionary<string, Node>(StringComparer.Ordinal);
        foreach (Node node in Nodes)
            foreach (string output in node.Outputs)
                if (output.Length > 0) producers[output] = node;
        return producers;
    }

    /// <summary>How many nodes (and graph outputs) read each value.</summary>
    public Dictionary<string, int> ReaderCounts()
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (Node node in Nodes)
            foreach (string input in node.Inputs)
                if (input.Length > 0) counts[input] = counts.GetValueOrDefault(input) + 1;
        foreach (ValueInfoProto output in Outputs) counts[output.Name] = counts.GetValueOrDefault(output.Name) + 1;
        return counts;
    }

    public bool IsOutput(string name) => Outputs.Any(o => o.Name == name);

    /// <summary>Replaces <paramref name="replaced"/> by <paramref name="node"/> in the node order (at the first replaced one's place), recording them fused into it.</summary>
    public void Fuse(Node node, params Node[] replaced)
    {
        int at = replaced.Min(n => Nodes.IndexOf(n));
        foreach (Node r in replaced)
        {
            Nodes.Remove(r);
            if (!ReferenceEquals(r, node)) Fates[r] = ("fused", node);
        }
        Nodes.Insert(Math.Min(at, Nodes.Count), node);
    }

    /// <summary>Removes <paramref name="node"/>, recording why.</summary>
    public void Remove(Node node, string fate)
    {
        Nodes.Remove(node);
        Fates[node] = (fate, null);
    }

    /// <summary>The value's constant data, or null.</summary>
    public Tensor? ConstantOf(string name) => name.Length > 0 && Values.TryGetValue(name, out ValueInfo? info) ? info.Constant : null;

    public ValueInfo? InfoOf(string name) => name.Length > 0 ? Values.GetValueOrDefault(name) : null;
}
