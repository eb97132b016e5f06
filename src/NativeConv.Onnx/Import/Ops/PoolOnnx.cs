namespace NativeConv.Onnx;

/// <summary>
/// MaxPool and AveragePool (2-D; a Pad before an AveragePool is merged into its padding by <see cref="PadFusion"/>):
/// their shape rule, so what follows them is checked; they run once the graph has max and average pooling
/// (GraphBuilder.MaxPool2d/AvgPool2d), which this build does not have yet.
/// </summary>
internal sealed class PoolOnnx : OnnxOp
{
    public override IReadOnlyList<string> OpTypes => ["MaxPool", "AveragePool"];

    public override string Summary => "MaxPool/AveragePool (shapes only in this build)";

    public override void Infer(Node node, InferContext context)
    {
        ValueInfo? x = context.In(node, 0);
        long[]? kernel = node.Ints("kernel_shape");
        if (x?.Shape is not { Length: 4 } s || kernel is not { Length: 2 } || kernel.Any(k => k < 1 || k > int.MaxValue))
        {
            context.Unknown(node);
            return;
        }
        long[] strides = node.Ints("strides") ?? [1, 1], dilations = node.Ints("dilations") ?? [1, 1];
        if (strides.Length != 2 || dilations.Length != 2 || strides.Concat(dilations).Any(v => v < 1 || v > 4096))
        {
            context.Unknown(node);
            return;
        }
        var effective = new Size2D((int)((kernel[0] - 1) * dilations[0] + 1), (int)((kernel[1] - 1) * dilations[1] + 1));
        var stride = new Size2D((int)strides[0], (int)strides[1]);
        bool ceil = node.Int("ceil_mode", 0) != 0;
        if (ConvPadding.Resolve(node, effective, stride, s[2], s[3], out _) is not { } padding)
        {
            context.Unknown(node);
            return;
        }
        context.Set(node, 0, new ValueInfo(x.Type, [s[0], s[1],
            ConvPadding.Output(s[2], padding, true, effective.Height, stride.Height, ceil), ConvPadding.Output(s[3], padding, false, effective.Width, stride.Width, ceil)]));
    }

    public override void Lower(Node node, LowerContext context)
    {
        context.Refuse(node, $"{node.OpType} kernel [{string.Join(", ", node.Ints("kernel_shape") ?? [])}]: needs the graph's " +
            $"{(node.OpType == "MaxPool" ? "max" : "average")} pooling (GraphBuilder.{(node.OpType == "MaxPool" ? "MaxPool2d" : "AvgPool2d")}), not in this build");
    }
}
