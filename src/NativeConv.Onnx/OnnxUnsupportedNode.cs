namespace NativeConv.Onnx;

/// <summary>One node (or graph input) a model uses that NativeConv cannot run, and why.</summary>
/// <param name="OpType">The ONNX operator type ("input" for a graph input).</param>
/// <param name="Name">The node's (or input's) name.</param>
/// <param name="Reason">What is not supported: the operator, an attribute and its value, a data type.</param>
public sealed record OnnxUnsupportedNode(string OpType, string Name, string Reason)
{
    public override string ToString() => $"{OpType} '{Name}': {Reason}";
}
