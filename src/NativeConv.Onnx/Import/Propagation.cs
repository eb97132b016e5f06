using Onnx;

namespace NativeConv.Onnx;

/// <summary>
/// Constant folding with shapes, in one walk over the sorted nodes: each operator's rule (<see cref="OnnxOp.Infer"/>)
/// folds a node whose inputs it needs are constants, and otherwise gives its outputs' shapes, with the sizes bound at a
/// call as symbols (so Shape → Gather → Concat arithmetic on a dynamic batch still folds). Nodes all of whose outputs
/// are constants are then dropped, and so is every node no graph output needs.
/// </summary>
internal static class Propagation
{
    public static void Run(OnnxGraph graph)
    {
        foreach (var (name, tensor) in graph.Constants)
            graph.Values[name] = tensor is null ? ValueInfo.UnknownOf(ElementType.Float) : ValueInfo.Of(tensor);
        foreach (ValueInfoProto input in graph.Inputs) graph.Values[input.Name] = Declared(input);
        var context = new InferContext(graph);
        foreach (Node node in graph.Nodes)
        {
            if (OpTable.Find(node) is { } op)
            {
                CheckArity(graph, node, op);
                op.Infer(node, context);
            }
            else context.Unknown(node);
        }
        foreach (Node node in graph.Nodes.ToList())
            if (node.Outputs.Where(o => o.Length > 0).All(o => graph.Values.TryGetValue(o, out ValueInfo? v) && v.IsConstant))
                graph.Remove(node, "folded into a constant");
    }

    /// <summary>A node with too few or too many inputs, or a required one left empty, is a broken model.</summary>
    private static void CheckArity(OnnxGraph graph, Node node, OnnxOp op)
    {
        (int min, int max) = op.Arity(node.OpType);
        if (node.Inputs.Count < min || node.Inputs.Count > max || node.Inputs.Take(min).Any(i => i.Length == 0))
            throw new OnnxFormatException($"{graph.Model}: {node} has inputs [{string.Join(", ", node.Inputs.Select(i => $"'{i}'"))}]: {node.OpType} takes " +
                (min == max ? $"{min}" : max == int.MaxValue ? $"at least {min}" : $"{min} to {max}") + (min > 0 ? $", the first {min} not empty" : ""));
        if (node.Outputs.Count == 0 || node.Outputs[0].Length == 0) throw new OnnxFormatException($"{graph.Model}: {node} has no output");
    }

    /// <summary>A graph input's type and shape as the file declares them: dim_param a named symbol, neither value nor name a fresh one.</summary>
    public static ValueInfo Declared(ValueInfoProto value)
    {
        if (value.Type?.TensorType is not { } tensor) return ValueInfo.UnknownOf(0);
        if (tensor.Shape is null) return ValueInfo.UnknownOf(tensor.ElemType);
        return new ValueInfo(tensor.ElemType, tensor.Shape.Dim.Select(d =>
            d.HasDimValue && d.DimValue >= 0 ? Dim.Of(d.DimValue) : d.HasDimParam && d.DimParam.Length > 0 ? new Dim(null, d.DimParam) : Dim.Unknown()).ToArray());
    }

    /// <summary>Drops every node none of whose outputs a graph output needs (transitively).</summary>
    public static void RemoveUnused(OnnxGraph graph)
    {
        var needed = new HashSet<string>(graph.Outputs.Select(o => o.Name), StringComparer.Ordinal);
        for (int i = graph.Nodes.Count - 1; i >= 0; i--)
        {
            Node node = graph.Nodes[i];
            if (node.Outputs.Any(needed.Contains)) foreach (string input in node.Inputs) needed.Add(input);
            else graph.Remove(node, "removed (nothing uses its outputs)");
        }
    }
}
