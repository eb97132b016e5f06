namespace NativeConv;

/// <summary>
/// Composes a network as a graph of operations on values, as Keras's functional API does: each method takes the values
/// it reads and returns the value(s) it makes, checking channel counts at once (an error names the operation and the
/// shapes). Several inputs and outputs, values read more than once. <see cref="Build"/> checks the whole and gives the
/// <see cref="NetworkGraph"/> that <see cref="ConvNetwork"/> runs. Each operation's method lives in the operation's own
/// file (Operations/), beside its definition.
/// <code>
/// var g = new GraphBuilder();
/// Value x = g.Input("image", 3);
/// Value y = g.Conv2d(x, Conv2dSpec.Depthwise(3, 3, padding: 1, activation: Activation.ReLU6), dw, [], "dw");
/// g.Output(g.Add(g.Conv2d(y, Conv2dSpec.Pointwise(3, 3), pw, [], "pw"), x, name: "residual"), "logits");
/// NetworkGraph graph = g.Build();
/// </code>
/// </summary>
public sealed partial class GraphBuilder
{
    private readonly List<GraphOp> _ops = [];
    private readonly List<int> _channels = [];
    private readonly List<string> _names = [];
    private readonly Dictionary<string, int> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _opNames = new(StringComparer.Ordinal);
    private readonly List<int> _inputs = [];
    private readonly List<(int Value, string Name)> _outputs = [];
    private bool _built;

    /// <summary>A graph input of <paramref name="channels"/> channels (batch, height and width come with each call).</summary>
    public Value Input(string name, int channels)
    {
        CheckOpen();
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (channels < 1) throw new ArgumentOutOfRangeException(nameof(channels), channels, $"input '{name}' must have at least 1 channel");
        int index = NewValue(name, channels, nameof(name));
        _inputs.Add(index);
        return new Value(this, index, channels);
    }

    /// <summary>The value called <paramref name="name"/>: an input, or an operation's output (":k" for the k-th of several).</summary>
    public Value this[string name]
    {
        get
        {
            ArgumentNullException.ThrowIfNull(name);
            return _values.TryGetValue(name, out int index) ? new Value(this, index, _channels[index])
                : throw new ArgumentException($"no value '{name}' in the graph (values: {string.Join(", ", _names.Take(8))}{(_names.Count > 8 ? ", ..." : "")})", nameof(name));
        }
    }

    /// <summary>Marks <paramref name="value"/> as a graph output, under its own name or <paramref name="name"/>.</summary>
    public void Output(Value value, string? name = null)
    {
        CheckOpen();
        int index = Read(value, nameof(value));
        string outputName = name ?? _names[index];
        ArgumentException.ThrowIfNullOrWhiteSpace(outputName, nameof(name));
        if (_inputs.Contains(index)) throw new ArgumentException($"output '{outputName}' is the input '{_names[index]}' itself: an output must be made by an operation", nameof(value));
        if (_outputs.Any(o => o.Value == index)) throw new ArgumentException($"{value} is an output already", nameof(value));
        if (_outputs.Any(o => o.Name == outputName)) throw new ArgumentException($"there is an output named '{outputName}' already", nameof(name));
        _outputs.Add((index, outputName));
    }

    /// <summary>
    /// The graph, checked as a whole: at least one input and one output, every input read by an operation, every value
    /// read by an operation or an output (a value nothing reads is a mistake in the graph: its operation would run for
    /// nothing). The builder takes no more operations after this.
    /// </summary>
    public NetworkGraph Build()
    {
        CheckOpen();
        if (_inputs.Count == 0) throw new InvalidOperationException("the graph has no input (GraphBuilder.Input)");
        if (_outputs.Count == 0) throw new InvalidOperationException("the graph has no output (GraphBuilder.Output)");
        var read = new bool[_channels.Count];
        foreach (GraphOp op in _ops)
            foreach (int v in op.Inputs)
                read[v] = true;
        foreach (var (value, _) in _outputs) read[value] = true;
        foreach (int input in _inputs)
            if (!read[input]) throw new InvalidOperationException($"input '{_names[input]}' is read by no operation");
        foreach (GraphOp op in _ops)
            foreach (int v in op.Outputs)
                if (!read[v]) throw new InvalidOperationException($"'{_names[v]}', made by '{op.Name}' ({op.Definition}), is read by no operation and is not an output: a dangling value");
        _built = true;
        return new NetworkGraph(_ops.ToArray(), _channels.ToArray(), _names.ToArray(), _inputs, _outputs.Select(o => o.Value).ToArray(), _outputs.Select(o => o.Name).ToArray());
    }

    internal string NameOf(int index) => _names[index];

    /// <summary>The index of a value this builder made; throws naming the argument for a value of another builder or none.</summary>
    internal int Read(Value value, string argument)
    {
        if (value.Builder is null) throw new ArgumentException("a default Value is no value of the graph", argument);
        if (!ReferenceEquals(value.Builder, this)) throw new ArgumentException($"{value} belongs to another GraphBuilder", argument);
        return value.Index;
    }

    /// <summary>
    /// Adds an operation named <paramref name="name"/> (or "<paramref name="kind"/>_N") that makes values of
    /// <paramref name="outputChannels"/>; <paramref name="make"/> is given the operation's name and its output indices.
    /// </summary>
    internal Value[] Add(string? name, string kind, int[] outputChannels, Func<string, int[], GraphOp> make)
    {
        CheckOpen();
        string opName = name ?? $"{kind}_{_ops.Count}";
        if (string.IsNullOrWhiteSpace(opName)) throw new ArgumentException("an operation's name must not be empty", nameof(name));
        if (!_opNames.Add(opName)) throw new ArgumentException($"there is an operation named '{opName}' already", nameof(name));
        string[] names = outputChannels.Length == 1 ? [opName] : Enumerable.Range(0, outputChannels.Length).Select(k => $"{opName}:{k}").ToArray();
        if (names.FirstOrDefault(_values.ContainsKey) is { } taken)
        {
            _opNames.Remove(opName);
            throw new ArgumentException($"there is a value named '{taken}' already", nameof(name));
        }
        GraphOp op;
        try
        {
            op = make(opName, Enumerable.Range(_channels.Count, names.Length).ToArray());
        }
        catch
        {
            _opNames.Remove(opName);
            throw;
        }
        int[] outputs = names.Select((n, k) => NewValue(n, outputChannels[k], nameof(name))).ToArray();
        _ops.Add(op);
        return outputs.Select((v, k) => new Value(this, v, outputChannels[k])).ToArray();
    }

    /// <summary>The same, for an operation with one output.</summary>
    internal Value AddOne(string? name, string kind, int outputChannels, Func<string, int, GraphOp> make) =>
        Add(name, kind, [outputChannels], (n, outputs) => make(n, outputs[0]))[0];

    private int NewValue(string name, int channels, string argument)
    {
        if (_values.ContainsKey(name)) throw new ArgumentException($"there is a value named '{name}' already", argument);
        _values.Add(name, _channels.Count);
        _channels.Add(channels);
        _names.Add(name);
        return _channels.Count - 1;
    }

    private void CheckOpen()
    {
        if (_built) throw new InvalidOperationException("the graph was built: a GraphBuilder builds one graph");
    }
}
