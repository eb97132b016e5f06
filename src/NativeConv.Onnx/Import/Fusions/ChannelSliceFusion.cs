using Onnx;

namespace NativeConv.Onnx;

/// <summary>
/// Sibling Slices of one feature map along its channels that cut them into consecutive parts, every channel in one
/// part (PyTorch's <c>x.chunk(2, dim=1)</c> as exported: Slice [0, C/2) and Slice [C/2, C), their bounds folded from
/// Shape arithmetic) → one Split along the channels with those parts, in channel order. A channel Slice whose siblings
/// do not complete such a cut stays, and is refused naming its range (<see cref="SliceOnnx"/>).
/// </summary>
internal sealed class ChannelSliceFusion : IFusion
{
    public void Apply(OnnxGraph graph)
    {
        var byInput = graph.Nodes.Where(n => n.OpType == "Slice" && n.Domain.Length == 0 && graph.ConstantOf(n.Input(0)) is null).GroupBy(n => n.Input(0)).ToList();
        foreach (IGrouping<string, Node> siblings in byInput)
        {
            if (graph.InfoOf(siblings.Key)?.Shape is not { Length: 4 or 2 } shape || shape[1].Size is not { } channels) continue;
            var parts = new List<(Node Slice, long Start, long End)>();
            foreach (Node slice in siblings)
                if (SliceOnnx.ChannelRange(slice, graph, shape.Length, channels, out _) is { } range)
                    parts.Add((slice, range.Start, range.End));
            parts.Sort((a, b) => a.Start.CompareTo(b.Start));
            long next = 0;
            foreach (var (_, start, end) in parts)
                next = start == next && end > start ? end : -1;
            if (parts.Count == 0 || next != channels) continue;
            long[] sizes = parts.Select(p => p.End - p.Start).ToArray();
            var split = new Node("Split", "", parts[0].Slice.Name, [siblings.Key], parts.Select(p => p.Slice.Outputs[0]).ToList(), new Dictionary<string, AttributeProto>(StringComparer.Ordinal)
            {
                ["axis"] = new AttributeProto { Name = "axis", Type = AttributeProto.Types.AttributeType.Int, I = 1 },
            });
            // The sizes in the form the model's opset reads (SplitOnnx.Sizes): an attribute before 13, an input from it.
            if (graph.Opset < 13) split.Attributes["split"] = new AttributeProto { Name = "split", Type = AttributeProto.Types.AttributeType.Ints, Ints = { sizes } };
            else split.Inputs.Add(graph.AddConstant(parts[0].Slice.Name + "/split", Tensor.Vector(sizes)));
            Node[] slices = graph.Nodes.Where(n => parts.Any(p => p.Slice == n)).ToArray();
            split.Absorbed.AddRange(slices);
            graph.Fuse(split, slices);
        }
    }
}
