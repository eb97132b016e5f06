namespace NativeConv.Onnx;

/// <summary>
/// ConvTranspose (2-D, PyTorch's ConvTranspose2d as exported): constant weights (in, out/group, kh, kw) and bias, any
/// group, dilation and stride, pads (cropped from the full output, asymmetric too) and output_padding →
/// <see cref="GraphBuilder.ConvTranspose2d"/>, with the activation a fusion gave it. output_shape and the SAME auto_pads
/// (whose padding depends on the input's size) are refused.
/// </summary>
internal sealed class ConvTransposeOnnx : OnnxOp
{
    public override IReadOnlyList<string> OpTypes => ["ConvTranspose"];

    public override string Summary => "ConvTranspose (2-D, constant weights, pads, output_padding, any group/dilation/stride)";

    public override (int Min, int Max) Arity(string opType) => (2, 3);

    public override void Infer(Node node, InferContext context)
    {
        ValueInfo? x = context.In(node, 0);
        if (x?.Shape is not { Length: 4 } s || Spec(node, context.Graph, x, out _) is not { } spec)
        {
            context.Unknown(node);
            return;
        }
        Dim Size(Dim d, int stride, int kernel, int before, int after, int extra) =>
            d.Size is { } n ? Dim.Of((n - 1) * stride - before - after + kernel + extra) : Dim.Unknown();
        context.Set(node, 0, new ValueInfo(x.Type, [s[0], Dim.Of(spec.OutChannels),
            Size(s[2], spec.Stride.Height, spec.EffectiveKernel.Height, spec.Padding.Top, spec.Padding.Bottom, spec.OutputPadding.Height),
            Size(s[3], spec.Stride.Width, spec.EffectiveKernel.Width, spec.Padding.Left, spec.Padding.Right, spec.OutputPadding.Width)]));
    }

    /// <summary>The transposed convolution's spec, or null with the reason it cannot run.</summary>
    private static ConvTranspose2dSpec? Spec(Node node, OnnxGraph graph, ValueInfo? x, out string? reason)
    {
        Tensor? w = graph.ConstantOf(node.Input(1)), b = node.HasInput(2) ? graph.ConstantOf(node.Input(2)) : null;
        long group = node.Int("group", 1);
        long[] strides = node.Ints("strides") ?? [1, 1], dilations = node.Ints("dilations") ?? [1, 1], outputPadding = node.Ints("output_padding") ?? [0, 0];
        string auto = node.String("auto_pad", "NOTSET");
        long[] pads = auto == "VALID" ? [0, 0, 0, 0] : node.Ints("pads") ?? [0, 0, 0, 0];
        reason = w is null ? "its weights are not a constant (an initializer or folded value)"
            : !w.IsReal ? $"its weights are {ElementType.Name(w.Type)}, not float"
            : w.Rank != 4 ? $"a {w.Rank - 2}-D transposed convolution (weights [{string.Join(", ", w.Dims)}]): only 2-D"
            : node.HasInput(2) && (b is null || !b.IsReal || b.Rank != 1 || b.Dims[0] != w.Dims[1] * group) ? $"its bias is not a float constant of {w.Dims[1] * group} values"
            : x?.Shape is { } s && (s.Length != 4 || !s[1].IsKnown) ? $"its input {Shapes.Text(s)} is not (N, C, H, W) with C known"
            : node.Has("output_shape") ? "output_shape (give pads and output_padding, as torch.onnx.export does)"
            : auto is not ("NOTSET" or "VALID") ? $"auto_pad {auto} (its padding depends on the input's size)"
            : node.Ints("kernel_shape") is { } k && !k.SequenceEqual(w.Dims[2..]) ? $"kernel_shape [{string.Join(", ", k)}] disagrees with its weights [{string.Join(", ", w.Dims)}]"
            : strides.Length != 2 || dilations.Length != 2 || outputPadding.Length != 2 || pads.Length != 4 ? "strides, dilations, output_padding or pads of another rank than 2-D"
            : strides.Concat(dilations).Any(v => v < 1 || v > 4096) || outputPadding.Concat(pads).Any(v => v < 0 || v > 4096) ? $"strides [{string.Join(", ", strides)}], dilations [{string.Join(", ", dilations)}], pads [{string.Join(", ", pads)}] or output_padding [{string.Join(", ", outputPadding)}] out of range"
            : null;
        if (reason is not null) return null;
        int inChannels = (int)w!.Dims[0];
        if (x?.Shape is { } shape && shape[1].Size != inChannels || group < 1 || inChannels % group != 0)
        {
            reason = $"group {group} with weights [{string.Join(", ", w.Dims)}] on {x?.Shape?[1].ToString() ?? "?"} input channels";
            return null;
        }
        try
        {
            return new ConvTranspose2dSpec(inChannels, (int)(w.Dims[1] * group), new Size2D((int)w.Dims[2], (int)w.Dims[3]), new Size2D((int)strides[0], (int)strides[1]),
                Padding2D.Explicit((int)pads[0], (int)pads[1], (int)pads[2], (int)pads[3]), new OutputPadding2D((int)outputPadding[0], (int)outputPadding[1]),
                new Size2D((int)dilations[0], (int)dilations[1]), (int)group, bias: node.HasInput(2), node.Activation);
        }
        catch (ArgumentException e)
        {
            reason = e.Message;
            return null;
        }
    }

    public override void Lower(Node node, LowerContext context)
    {
        ConvTranspose2dSpec? spec = Spec(node, context.Graph, context.Info(node, 0), out string? reason);
        if (context.Stops(node, reason ?? context.NotMap(node, 0))) return;
        Value y = context.Builder.ConvTranspose2d(context.Map(node, 0)!.Value.Value, spec!, context.Constant(node, 1)!.Floats(),
            node.HasInput(2) ? context.Constant(node, 2)!.Floats() : [], context.Name(node));
        context.Define(node, 0, y, 4);
    }
}
