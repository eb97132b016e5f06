namespace NativeConv.Onnx;

/// <summary>Constant (value, value_float(s), value_int(s)) and ConstantOfShape (a known shape, filled with its value or float 0).</summary>
internal sealed class ConstantOnnx : FoldingOnnx
{
    public override IReadOnlyList<string> OpTypes => ["Constant", "ConstantOfShape"];

    public override string Summary => "Constant, ConstantOfShape (folded)";

    public override (int Min, int Max) Arity(string opType) => opType == "Constant" ? (0, 0) : (1, 1);

    public override void Infer(Node node, InferContext context)
    {
        Tensor? value = node.OpType == "Constant" ? Value(node, context.Graph) : Filled(node, context);
        if (value is not null) context.Fold(node, 0, value);
        else if (!context.Graph.Notes.ContainsKey(node)) context.Unknown(node);
    }

    private static Tensor? Value(Node node, OnnxGraph graph)
    {
        if (node.TensorAttribute("value") is { } t) return TensorReader.Read(t, null, $"{node}'s value");
        if (node.Has("value_float")) return Tensor.Real(ElementType.Float, [], [node.Float("value_float", 0)]);
        if (node.Floats("value_floats") is { } fs) return Tensor.Real(ElementType.Float, [fs.Length], fs.Select(v => (double)v).ToArray());
        if (node.Has("value_int")) return Tensor.Integer(ElementType.Int64, [], [node.Int("value_int", 0)]);
        if (node.Ints("value_ints") is { } ints) return Tensor.Integer(ElementType.Int64, [ints.Length], ints);
        return null; // sparse or string values
    }

    private static Tensor? Filled(Node node, InferContext context)
    {
        if (context.Constant(node, 0) is not { Ints: not null, IsKnown: true } shape) return null;
        long[] dims = shape.Longs();
        long count = TensorReader.Count(dims, node.ToString());
        if (!context.CanFold(node, count)) return null;
        Tensor fill = node.TensorAttribute("value") is { } t ? TensorReader.Read(t, null, $"{node}'s value") ?? Tensor.Real(ElementType.Float, [1], [0]) : Tensor.Real(ElementType.Float, [1], [0]);
        if (fill.Length != 1) throw new OnnxFormatException($"{node}: its value has {fill.Length} elements, not 1");
        return fill.IsReal ? Tensor.Real(fill.Type, dims, Enumerable.Repeat(fill.Reals![0], (int)count).ToArray())
            : Tensor.Integer(fill.Type, dims, Enumerable.Repeat(fill.Ints![0], (int)count).ToArray());
    }
}
