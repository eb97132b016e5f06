namespace NativeConv.Onnx;

/// <summary>What an operator's shape and folding rule reads and sets (<see cref="OnnxOp.Infer"/>).</summary>
internal sealed class InferContext(OnnxGraph graph)
{
    public OnnxGraph Graph { get; } = graph;

    public int Opset => Graph.Opset;

    /// <summary>The most elements a folded constant may have: more is no shape arithmetic, and is left to fail at lowering.</summary>
    public const long MaxFolded = 1 << 24;

    /// <summary>Whether a fold of <paramref name="count"/> elements is made; if not, the node's outputs stay unknown and it says why when lowered.</summary>
    public bool CanFold(Node node, long count)
    {
        if (count <= MaxFolded) return true;
        Graph.Notes[node] = $"folding it would make a constant of {count} elements, more than the importer folds ({MaxFolded})";
        Unknown(node);
        return false;
    }

    /// <summary>Input k's information (null: absent optional input).</summary>
    public ValueInfo? In(Node node, int k) => Graph.InfoOf(node.Input(k));

    /// <summary>Input k's constant data, or null.</summary>
    public Tensor? Constant(Node node, int k) => Graph.ConstantOf(node.Input(k));

    public void Set(Node node, int k, ValueInfo info)
    {
        if (k < node.Outputs.Count && node.Outputs[k].Length > 0) Graph.Values[node.Outputs[k]] = info;
    }

    public void Fold(Node node, int k, Tensor value) => Set(node, k, ValueInfo.Of(value));

    /// <summary>Every output: a feature map of the element type of input 0, shape unknown.</summary>
    public void Unknown(Node node)
    {
        int type = In(node, 0)?.Type ?? ElementType.Float;
        for (int k = 0; k < node.Outputs.Count; k++) Set(node, k, ValueInfo.UnknownOf(type));
    }
}
