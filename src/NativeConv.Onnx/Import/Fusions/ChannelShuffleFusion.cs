namespace NativeConv.Onnx;

/// <summary>
/// ShuffleNet's channel shuffle as exported: Reshape (N, C, H, W) → (N, g, C/g, H, W), Transpose perm [0, 2, 1, 3, 4],
/// Reshape back to (N, C, H, W) → one channel shuffle of g groups (its shape arithmetic already folded).
/// </summary>
internal sealed class ChannelShuffleFusion : IFusion
{
    public void Apply(OnnxGraph graph)
    {
        foreach (Node first in graph.Nodes.ToList())
        {
            if (first.OpType != "Reshape" || graph.InfoOf(first.Input(0))?.Shape is not [var n, { Size: { } c }, var h, var w]) continue;
            if (graph.InfoOf(first.Outputs[0])?.Shape is not [var n5, { Size: { } g }, { Size: { } per }, var h5, var w5] || g * per != c || g < 2) continue;
            if (!n5.SameAs(n) || !h5.SameAs(h) || !w5.SameAs(w)) continue;
            if (Fusions.OnlyReader(graph, first.Outputs[0]) is not { OpType: "Transpose" } transpose) continue;
            if (transpose.Ints("perm") is not [0, 2, 1, 3, 4]) continue;
            if (Fusions.OnlyReader(graph, transpose.Outputs[0]) is not { OpType: "Reshape" } last) continue;
            if (graph.InfoOf(last.Outputs[0])?.Shape is not [var n4, { Size: { } c4 }, var h4, var w4] || c4 != c || !n4.SameAs(n) || !h4.SameAs(h) || !w4.SameAs(w)) continue;
            var shuffle = new Node("ChannelShuffle", OnnxGraph.NativeDomain, transpose.Name, [first.Input(0)], [last.Outputs[0]], []) { Parameter = (int)g };
            shuffle.Absorbed.AddRange([first, transpose, last]);
            graph.Fuse(shuffle, first, transpose, last);
        }
    }
}
