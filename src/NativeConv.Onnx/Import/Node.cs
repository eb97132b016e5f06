using Onnx;

namespace NativeConv.Onnx;

/// <summary>
/// A node of the graph being imported: an ONNX node as read (op type, domain, a unique name, inputs and outputs, ""
/// for an absent optional input, attributes), or one a fusion made from several (its <see cref="Absorbed"/> nodes, its
/// <see cref="Activation"/>, its <see cref="BatchNorm"/>). Fusions in NativeConv's own domain name operations ONNX has no
/// operator for (<see cref="OnnxGraph.NativeDomain"/>).
/// </summary>
internal sealed class Node(string opType, string domain, string name, List<string> inputs, List<string> outputs, Dictionary<string, AttributeProto> attributes)
{
    public string OpType { get; } = opType;

    public string Domain { get; } = domain;

    public string Name { get; } = name;

    public List<string> Inputs { get; } = inputs;

    public List<string> Outputs { get; } = outputs;

    public Dictionary<string, AttributeProto> Attributes { get; } = attributes;

    /// <summary>The activation fused after it (a convolution, a linear layer, an add, an activation node's own).</summary>
    public Activation Activation { get; set; } = Activation.None;

    /// <summary>A BatchNormalization folded into this convolution: its scale, bias, mean, variance and epsilon.</summary>
    public BatchNorm2d? BatchNorm { get; set; }

    /// <summary>The nodes fused into this one, in graph order (what <c>onnx inspect</c> reports as fused).</summary>
    public List<Node> Absorbed { get; } = [];

    /// <summary>A fusion's parameter (e.g. the groups of a channel shuffle).</summary>
    public int Parameter { get; set; }

    public string Input(int k) => k < Inputs.Count ? Inputs[k] : "";

    public bool HasInput(int k) => Input(k).Length > 0;

    public string Kind => Domain is "" or "ai.onnx" ? OpType : $"{Domain}.{OpType}";

    public override string ToString() => $"{Kind} '{Name}'";
}
