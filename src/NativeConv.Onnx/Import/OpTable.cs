namespace NativeConv.Onnx;

/// <summary>
/// Every ONNX operator NativeConv maps, by (domain, op type): one <see cref="OnnxOp"/> per operator or small family,
/// each in its own file under Import/Ops. An operator added to the graph API plugs in here with its file.
/// </summary>
internal static class OpTable
{
    private static readonly OnnxOp[] Ops =
    [
        new ConvOnnx(), new ConvTransposeOnnx(), new BatchNormalizationOnnx(), new ActivationOnnx(), new ArithmeticOnnx(), new GlobalAveragePoolOnnx(),
        new ViewOnnx(), new GemmOnnx(), new MatMulOnnx(), new IdentityOnnx(),
        new ShapeOnnx(), new GatherOnnx(), new ConcatOnnx(), new CastOnnx(), new ConstantOnnx(), new SliceOnnx(), new TransposeOnnx(),
        new PadOnnx(), new PoolOnnx(), new SplitOnnx(), new ResizeOnnx(), new ErfOnnx(), new FusedActivationOnnx(), new ChannelShuffleOnnx(),
    ];

    private static readonly Dictionary<(string, string), OnnxOp> ByType =
        Ops.SelectMany(op => op.OpTypes.Select(t => ((op.Domain, t), op))).ToDictionary(p => p.Item1, p => p.op);

    /// <summary>Operators refused on purpose, with why.</summary>
    private static readonly Dictionary<string, string> Refused = new(StringComparer.Ordinal)
    {
        ["Softmax"] = "Softmax is not supported: NativeConv runs networks up to their logits (apply the softmax to the output)",
        ["LogSoftmax"] = "LogSoftmax is not supported: NativeConv runs networks up to their logits",
    };

    public static OnnxOp? Find(Node node) => ByType.GetValueOrDefault((node.Domain is "ai.onnx" ? "" : node.Domain, node.OpType));

    /// <summary>Why a node whose operator has no mapping cannot run.</summary>
    public static string NoMapping(Node node) =>
        Refused.TryGetValue(node.OpType, out string? why) && node.Domain is "" or "ai.onnx" ? why
            : node.Domain is "" or "ai.onnx" ? $"no mapping for the ONNX operator {node.OpType}" : $"operator {node.OpType} of domain '{node.Domain}' (only ONNX's own operators)";

    /// <summary>What is supported, for the message listing what is not.</summary>
    public static string Supported => string.Join("; ", Ops.Where(o => !o.Summary.Contains("not in this build") && !o.Summary.Contains("shapes only")).Select(o => o.Summary))
        + $"; opsets {OnnxImporter.MinOpset} to {OnnxImporter.MaxOpset}; float32 inputs (N, C, H, W)";
}
