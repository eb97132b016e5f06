namespace NativeConv.Onnx;

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
