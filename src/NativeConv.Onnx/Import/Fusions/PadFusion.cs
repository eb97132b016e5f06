using Onnx;

namespace NativeConv.Onnx;

/// <summary>
/// A zero Pad of H and W before a Conv, or before an AveragePool (PyTorch's avg_pool2d(padding=p) as exported): merged
/// into the window's own pads. The padded zeros are counted by an average, so the pool becomes count_include_pad=1
/// (only where its own pads are zero or already counted).
/// </summary>
internal sealed class PadFusion : IFusion
{
    public void Apply(OnnxGraph graph)
    {
        foreach (Node pad in graph.Nodes.ToList())
        {
            if (pad.OpType != "Pad" || !PadOnnx.ZeroConstant(pad, graph) || PadOnnx.Pads(pad, graph) is not { Length: 8 } p) continue;
            if (p[0] != 0 || p[1] != 0 || p[4] != 0 || p[5] != 0 || p.Any(v => v < 0)) continue;
            if (Fusions.OnlyReader(graph, pad.Outputs[0]) is not { } window || window.Input(0) != pad.Outputs[0]) continue;
            if (window.OpType is not ("Conv" or "AveragePool") || window.String("auto_pad", "NOTSET") != "NOTSET") continue;
            long[] own = window.Ints("pads") ?? [0, 0, 0, 0];
            if (own.Length != 4) continue;
            if (window.OpType == "AveragePool" && window.Int("count_include_pad", 0) == 0 && own.Any(v => v != 0)) continue;
            Set(window, "pads", [own[0] + p[2], own[1] + p[3], own[2] + p[6], own[3] + p[7]]);
            if (window.OpType == "AveragePool") window.Attributes["count_include_pad"] = new AttributeProto { Name = "count_include_pad", Type = AttributeProto.Types.AttributeType.Int, I = 1 };
            window.Inputs[0] = pad.Input(0);
            window.Absorbed.Add(pad);
            graph.Fuse(window, window, pad);
        }
    }

    private static void Set(Node node, string name, long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        node.Attributes[name] = attribute;
    }
}
