namespace NativeConv.Onnx;

/// <summary>What one ONNX node became when the model was loaded: an operation of the network, part of one, a constant, or nothing.</summary>
/// <param name="OpType">The ONNX operator type.</param>
/// <param name="Name">The node's name (or the name the importer gave a node without one).</param>
/// <param name="Became">E.g. "operation 'conv_3' (conv 16->16 ...)", "fused into 'conv_3'", "folded into a constant", "removed (identity)".</param>
public sealed record OnnxNodeLowering(string OpType, string Name, string Became)
{
    public override string ToString() => $"{OpType} '{Name}' -> {Became}";
}
