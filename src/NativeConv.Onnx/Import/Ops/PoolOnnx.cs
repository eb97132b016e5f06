namespace NativeConv.Onnx;

/// <summary>
/// MaxPool and AveragePool (2-D, as torchvision and PyTorch export them) → <see cref="GraphBuilder.MaxPool2d"/> /
/// <see cref="GraphBuilder.AvgPool2d"/>: kernel_shape, strides, pads (asymmetric too; a Pad before an AveragePool is
/// merged in by <see cref="PadFusion"/>), dilations (MaxPool), ceil_mode, count_include_pad (AveragePool; ONNX's default
/// 0, PyTorch's export writes 1), and auto_pad as explicit amounts (<see cref="ConvPadding.Explicit"/>). The output size
/// is PyTorch's rule, which ONNX's follows since onnx#5741: in ceil mode a last window starting in the end padding is
/// dropped. Refused: MaxPool's Indices output, storage_order 1, a side padded by more than half the kernel.
/// </summary>
internal sealed class PoolOnnx : OnnxOp
{
    public override IReadOnlyList<string> OpTypes => ["MaxPool", "AveragePool"];

    public override string Summary => "MaxPool/AveragePool (2-D, pads or auto_pad, dilations (max), ceil_mode, count_include_pad)";

    public override void Infer(Node node, InferContext context)
    {
        ValueInfo? x = context.In(node, 0);
        if (x?.Shape is not { Length: 4 } s || Spec(node, s, out _) is not { } spec)
        {
            context.Unknown(node);
            return;
        }
        Size2D effective = Effective(spec);
        context.Set(node, 0, new ValueInfo(x.Type, [s[0], s[1],
            ConvPadding.Output(s[2], spec.Padding, true, effective.Height, spec.Stride.Height, spec.CeilMode),
            ConvPadding.Output(s[3], spec.Padding, false, effective.Width, spec.Stride.Width, spec.CeilMode)]));
        if (node.Outputs.Count > 1) context.Set(node, 1, new ValueInfo(ElementType.Int64, null));
    }

    /// <summary>The pool's spec for an input of <paramref name="shape"/> (SAME pads depend on its size), or null with the reason it cannot run.</summary>
    private static Pool2dSpec? Spec(Node node, Dim[] shape, out string? reason)
    {
        long[] kernel = node.Ints("kernel_shape") ?? throw new OnnxFormatException($"{node}: no kernel_shape (a required attribute)");
        long[] strides = node.Ints("strides") ?? [1, 1], dilations = node.Ints("dilations") ?? [1, 1];
        bool max = node.OpType == "MaxPool";
        reason = kernel.Length != 2 ? $"a {kernel.Length}-D pool (kernel_shape [{string.Join(", ", kernel)}]): only 2-D"
            : strides.Length != 2 || dilations.Length != 2 ? $"strides [{string.Join(", ", strides)}] or dilations [{string.Join(", ", dilations)}] of another rank than the 2-D kernel's"
            : kernel.Concat(strides).Concat(dilations).Any(v => v < 1 || v > 4096) ? $"kernel_shape [{string.Join(", ", kernel)}], strides [{string.Join(", ", strides)}] or dilations [{string.Join(", ", dilations)}] out of range (1 to 4096)"
            : !max && node.Has("dilations") && dilations.Any(d => d != 1) ? $"AveragePool dilations [{string.Join(", ", dilations)}]: an average pool has no dilation (PyTorch's AvgPool2d has none)"
            : max && node.Int("storage_order", 0) != 0 ? "storage_order 1 (column-major Indices): only the default row-major order"
            : null;
        if (reason is not null) return null;
        var k = new Size2D((int)kernel[0], (int)kernel[1]);
        var stride = new Size2D((int)strides[0], (int)strides[1]);
        var dilation = new Size2D((int)dilations[0], (int)dilations[1]);
        var effective = new Size2D((k.Height - 1) * dilation.Height + 1, (k.Width - 1) * dilation.Width + 1);
        string auto = node.String("auto_pad", "NOTSET");
        bool ceil = node.Int("ceil_mode", 0) != 0;
        if (ceil && auto != "NOTSET")
        {
            // The specification's output size for an auto_pad is ⌈in / stride⌉ (SAME) or the VALID formula, without ceil_mode.
            reason = $"ceil_mode 1 with auto_pad {auto}: ONNX's output size for auto_pad leaves ceil_mode out; give explicit pads";
            return null;
        }
        if (ConvPadding.Explicit(node, effective, stride, shape[2], shape[3], out reason) is not { } padding) return null;
        try
        {
            return new Pool2dSpec(k, stride, padding, dilation, ceil, countIncludePad: !max && node.Int("count_include_pad", 0) != 0);
        }
        catch (ArgumentException e)
        {
            reason = $"{node.OpType} kernel {k}: {e.Message}";
            return null;
        }
    }

    private static Size2D Effective(Pool2dSpec spec) =>
        new((spec.Kernel.Height - 1) * spec.Dilation.Height + 1, (spec.Kernel.Width - 1) * spec.Dilation.Width + 1);

    public override void Lower(Node node, LowerContext context)
    {
        Dim[] shape = context.Info(node, 0)?.Shape is { Length: 4 } s ? s : [Dim.Unknown(), Dim.Unknown(), Dim.Unknown(), Dim.Unknown()];
        Pool2dSpec? spec = Spec(node, shape, out string? reason);
        if (reason is null && node.Outputs.Count > 1 && node.Outputs[1].Length > 0 && context.Graph.ReaderCounts().ContainsKey(node.Outputs[1]))
            reason = "its Indices output is used (NativeConv's max pool gives the values only)";
        if (context.Stops(node, reason ?? context.NotMap(node, 0))) return;
        FeatureMap x = context.Map(node, 0)!.Value;
        if (x.Rank != 4)
        {
            context.Refuse(node, $"a pool over a rank-{x.Rank} feature map: only (N, C, H, W)");
            return;
        }
        Value y = node.OpType == "MaxPool" ? context.Builder.MaxPool2d(x.Value, spec!, context.Name(node)) : context.Builder.AvgPool2d(x.Value, spec!, context.Name(node));
        context.Define(node, 0, y, 4);
    }
}
