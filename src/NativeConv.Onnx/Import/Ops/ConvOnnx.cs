namespace NativeConv.Onnx;

/// <summary>
/// Conv (2-D): any group count, dilation, stride, explicit (also asymmetric) pads or auto_pad; constant weights
/// (out, in/group, kh, kw) and bias; with what fusions gave it (a BatchNormalization, an activation) →
/// <see cref="GraphBuilder.Conv2d"/>.
/// </summary>
internal sealed class ConvOnnx : OnnxOp
{
    public override IReadOnlyList<string> OpTypes => ["Conv"];

    public override string Summary => "Conv (2-D, constant weights, any group/dilation/stride, pads or auto_pad)";

    public override (int Min, int Max) Arity(string opType) => (2, 3);

    public override void Infer(Node node, InferContext context)
    {
        ValueInfo? x = context.In(node, 0);
        Tensor? w = context.Constant(node, 1);
        if (x?.Shape is not { Length: 4 } s || w is not { Rank: 4 })
        {
            context.Unknown(node);
            return;
        }
        Size2D kernel = new((int)w.Dims[2], (int)w.Dims[3]);
        long[] strides = node.Ints("strides") ?? [1, 1], dilations = node.Ints("dilations") ?? [1, 1];
        if (strides.Length != 2 || dilations.Length != 2 || strides.Any(v => v < 1 || v > int.MaxValue) || dilations.Any(v => v < 1 || v > int.MaxValue))
        {
            context.Unknown(node);
            return;
        }
        var effective = new Size2D((int)((kernel.Height - 1) * dilations[0] + 1), (int)((kernel.Width - 1) * dilations[1] + 1));
        var stride = new Size2D((int)strides[0], (int)strides[1]);
        Padding2D? padding = ConvPadding.Resolve(node, effective, stride, s[2], s[3], out _);
        Dim h = padding is { } p ? ConvPadding.Output(s[2], p, true, effective.Height, stride.Height) : Dim.Unknown();
        Dim wd = padding is { } q ? ConvPadding.Output(s[3], q, false, effective.Width, stride.Width) : Dim.Unknown();
        context.Set(node, 0, new ValueInfo(x.Type, [s[0], Dim.Of(w.Dims[0]), h, wd]));
    }

    public override void Lower(Node node, LowerContext context)
    {
        Conv2dSpec? spec = Spec(node, context, out string? reason);
        if (context.Stops(node, reason)) return;
        FeatureMap x = context.Map(node, 0)!.Value;
        float[] weights = context.Constant(node, 1)!.Floats();
        float[] bias = node.HasInput(2) ? context.Constant(node, 2)!.Floats() : [];
        Value y = context.Builder.Conv2d(x.Value, spec!, weights, bias, context.Name(node), node.BatchNorm);
        context.Define(node, 0, y, 4);
    }

    /// <summary>The convolution's spec, or null with the reason it cannot run.</summary>
    private static Conv2dSpec? Spec(Node node, LowerContext context, out string? reason)
    {
        reason = null;
        ValueInfo? x = context.Info(node, 0);
        Tensor? w = context.Constant(node, 1), b = node.HasInput(2) ? context.Constant(node, 2) : null;
        reason = context.NotMap(node, 0)
            ?? (w is null ? "its weights are not a constant (an initializer or folded value)"
            : !w.IsReal ? $"its weights are {ElementType.Name(w.Type)}, not float"
            : w.Rank != 4 ? $"a {w.Rank - 2}-D convolution (weights [{string.Join(", ", w.Dims)}]): only 2-D"
            : node.HasInput(2) && (b is null || !b.IsReal || b.Rank != 1 || b.Dims[0] != w.Dims[0]) ? $"its bias is not a float constant of {w.Dims[0]} values"
            : x?.Shape is { } s && (s.Length != 4 || !s[1].IsKnown) ? $"its input {Shapes.Text(s)} is not (N, C, H, W) with C known"
            : null);
        if (reason is not null) return null;
        long group = node.Int("group", 1);
        long[] strides = node.Ints("strides") ?? [1, 1], dilations = node.Ints("dilations") ?? [1, 1];
        long[]? kernelShape = node.Ints("kernel_shape");
        if (kernelShape is not null && !kernelShape.SequenceEqual(w!.Dims[2..]))
        {
            reason = $"kernel_shape [{string.Join(", ", kernelShape)}] disagrees with its weights [{string.Join(", ", w.Dims)}]";
            return null;
        }
        if (strides.Length != 2 || strides.Any(v => v < 1 || v > 4096)) reason = $"strides [{string.Join(", ", strides)}]";
        else if (dilations.Length != 2 || dilations.Any(v => v < 1 || v > 4096)) reason = $"dilations [{string.Join(", ", dilations)}]";
        if (reason is not null) return null;
        int outChannels = (int)w!.Dims[0], perGroup = (int)w.Dims[1];
        int inChannels = x?.Shape is { } shape ? (int)shape[1].Size!.Value : perGroup * (int)group;
        if (group < 1 || perGroup * group != inChannels || outChannels % group != 0)
        {
            reason = $"group {group} with weights [{string.Join(", ", w.Dims)}] on {inChannels} input channels";
            return null;
        }
        var kernel = new Size2D((int)w.Dims[2], (int)w.Dims[3]);
        var stride = new Size2D((int)strides[0], (int)strides[1]);
        var dilation = new Size2D((int)dilations[0], (int)dilations[1]);
        var effective = new Size2D((kernel.Height - 1) * dilation.Height + 1, (kernel.Width - 1) * dilation.Width + 1);
        Dim height = x?.Shape?[2] ?? Dim.Unknown(), width = x?.Shape?[3] ?? Dim.Unknown();
        if (ConvPadding.Resolve(node, effective, stride, height, width, out reason) is not { } padding) return null;
        try
        {
            return new Conv2dSpec(inChannels, outChannels, kernel, stride, padding, dilation, (int)group, bias: node.HasInput(2), node.Activation);
        }
        catch (ArgumentException e)
        {
            reason = e.Message;
            return null;
        }
    }
}
