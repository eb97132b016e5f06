namespace NativeConv.Onnx;

/// <summary>One node (or graph input) a model uses that NativeConv cannot run, and why.</summary>
/// <param name="OpType">The ONNX operator type ("input" for a graph input).</param>
/// <param name="Name">The node's (or input's) name.</param>
/// <param name="Reason">What is not supported: the operator, an attribute and its value, a data type.</param>
public sealed record OnnxUnsupportedNode(string OpType, string Name, string Reason)
{
    public override string ToString() => $"{OpType} '{Name}': {Reason}";
}

/// <summary>
/// A well-formed model that uses what NativeConv cannot run. Thrown when the model is loaded, never at a call, with
/// every such node at once (<see cref="Nodes"/>) and what is supported.
/// </summary>
public sealed class OnnxNotSupportedException : NotSupportedException
{
    public OnnxNotSupportedException(string model, IReadOnlyList<OnnxUnsupportedNode> nodes, string supported)
        : base($"{model}: {nodes.Count} node(s) cannot run on NativeConv:\n" + string.Join("\n", nodes.Select(n => "  " + n)) + $"\nSupported: {supported}")
    {
        Nodes = nodes;
    }

    /// <summary>Every node that cannot run, in graph order.</summary>
    public IReadOnlyList<OnnxUnsupportedNode> Nodes { get; }
}
