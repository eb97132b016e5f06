namespace NativeConv.Onnx;

/// <summary>
/// Resize (opsets 11 to 18: roi, scales, sizes inputs; axes from 18) and Upsample (opsets 7 to 9: scales an input or an
/// attribute) of the height and width of (N, C, H, W), in a convention of <see cref="ResizeConvention"/>:
/// sizes that are constants → <see cref="GraphBuilder.Resize"/> to that size; sizes that are another feature map's
/// height and width, bound at a call (LR-ASPP's upsampling to the image's size through Shape arithmetic) →
/// <see cref="GraphBuilder.ResizeLike"/>; scales → by those factors. ONNX maps coordinates by 1/scale and NativeConv by
/// in/out, which agree wherever input × scale is a whole number: so scales are taken where that holds for every size
/// the input can have (a known size, or a whole factor).
/// </summary>
internal sealed class ResizeOnnx : OnnxOp
{
    public override IReadOnlyList<string> OpTypes => ["Resize", "Upsample"];

    public override string Summary => "Resize/Upsample of H and W (nearest or linear; half_pixel, pytorch_half_pixel, align_corners, asymmetric; sizes or scales)";

    public override (int Min, int Max) Arity(string opType) => opType == "Resize" ? (1, 4) : (1, 2);

    public override void Infer(Node node, InferContext context)
    {
        ValueInfo? x = context.In(node, 0);
        if (x?.Shape is not { Length: 4 } s || Axes(node) is not { } axes)
        {
            context.Unknown(node);
            return;
        }
        var (scales, sizes) = Targets(node, context.Graph, axes.Length);
        Dim[] shape = s.ToArray();
        for (int i = 0; i < axes.Length; i++)
            shape[axes[i]] = sizes is not null ? sizes.Ints![i]
                : scales is not null && s[axes[i]].Size is { } n && Math.Floor(n * scales.Reals![i]) is var made && made is >= 0 and <= int.MaxValue ? Dim.Of((long)made)
                : scales is not null && scales.Reals![i] == 1 ? s[axes[i]]
                : Dim.Unknown();
        context.Set(node, 0, new ValueInfo(x.Type, shape));
    }

    /// <summary>The resized axes of the rank-4 input (opset 18's axes attribute, normalized; else all four); null when out of range or repeated.</summary>
    private static int[]? Axes(Node node)
    {
        if (node.Ints("axes") is not { } axes) return [0, 1, 2, 3];
        int[] normalized = axes.Select(a => a < 0 ? a + 4 : a).Select(a => a is >= 0 and < 4 ? (int)a : -1).ToArray();
        return normalized.Contains(-1) || normalized.Distinct().Count() != normalized.Length ? null : normalized;
    }

    /// <summary>
    /// The constant scales (real) or sizes (integer) of the resized axes, whichever the node gives (an empty tensor is
    /// none); both, or either of the wrong length, is a broken model. Null where not a constant.
    /// </summary>
    private static (Tensor? Scales, Tensor? Sizes) Targets(Node node, OnnxGraph graph, int axes)
    {
        Tensor? scales, sizes = null;
        if (node.OpType == "Upsample")
            scales = node.Floats("scales") is { } attribute ? Tensor.Real(ElementType.Float, [attribute.Length], attribute.Select(v => (double)v).ToArray()) : graph.ConstantOf(node.Input(1));
        else
        {
            scales = graph.ConstantOf(node.Input(2));
            sizes = graph.ConstantOf(node.Input(3));
        }
        if (scales is { Length: 0 }) scales = null;
        if (sizes is { Length: 0 }) sizes = null;
        if (scales is not null && sizes is not null) throw new OnnxFormatException($"{node}: both scales and sizes (a Resize takes one)");
        if (scales is not null && (!scales.IsReal || scales.Length != axes)) throw new OnnxFormatException($"{node}: scales {scales} for {axes} axes");
        if (sizes is not null && (sizes.IsReal || sizes.Length != axes || sizes.Ints!.Any(d => d.Size is < 0)))
            throw new OnnxFormatException($"{node}: sizes {sizes} [{string.Join(", ", sizes.IsReal ? [] : sizes.Ints!)}] for {axes} axes");
        return (scales, sizes);
    }

    public override void Lower(Node node, LowerContext context)
    {
        ResizeConvention? convention = ResizeConvention.Of(node, out string? reason);
        int[]? axes = Axes(node);
        reason ??= context.NotMap(node, 0)
            ?? (axes is null ? $"axes [{string.Join(", ", node.Ints("axes") ?? [])}] out of range or repeated for (N, C, H, W)" : null)
            ?? (node.OpType == "Resize" && node.String("keep_aspect_ratio_policy", "stretch") != "stretch"
                ? $"keep_aspect_ratio_policy '{node.String("keep_aspect_ratio_policy", "stretch")}': only stretch" : null);
        if (context.Stops(node, reason)) return;
        FeatureMap x = context.Map(node, 0)!.Value;
        Dim[] shape = context.Info(node, 0)?.Shape is { Length: 4 } s ? s : [Dim.Unknown(), Dim.Unknown(), Dim.Unknown(), Dim.Unknown()];
        if (x.Rank != 4)
        {
            context.Refuse(node, $"{node.OpType} of a rank-{x.Rank} feature map: only (N, C, H, W)");
            return;
        }
        var (scales, sizes) = Targets(node, context.Graph, axes!.Length);
        ResizeConvention c = convention!.Value;
        string name = context.Name(node);
        Value y;
        if (sizes is not null)
        {
            Dim[] target = shape.ToArray();
            for (int i = 0; i < axes.Length; i++) target[axes[i]] = sizes.Ints![i];
            if (!target[0].SameAs(shape[0]) || !target[1].SameAs(shape[1]))
                reason = $"sizes {Shapes.Text(target)} for an input {Shapes.Text(shape)}: NativeConv resizes height and width, never the batch or channels";
            else if (target[2].Size is { } h && target[3].Size is { } w)
                reason = h is < 1 or > ResizeSpec.MaxSize || w is < 1 or > ResizeSpec.MaxSize ? $"sizes {Shapes.Text(target)}: a height and width from 1 to {ResizeSpec.MaxSize}" : null;
            else if (context.MapOfSize(target[2], target[3]) is not { } like)
                reason = $"sizes {Shapes.Text(target)} computed at a call, but from no feature map's height and width";
            else
            {
                context.Define(node, 0, context.Builder.ResizeLike(x.Value, like.Value, c.Mode, c.Coordinates, c.Rounding, name), 4);
                return;
            }
            if (context.Stops(node, reason)) return;
            y = context.Builder.Resize(x.Value, ResizeSpec.ToSize(new Size2D((int)target[2].Size!.Value, (int)target[3].Size!.Value), c.Mode, c.Coordinates, c.Rounding), name);
        }
        else if (scales is not null)
        {
            double[] factor = [1, 1, 1, 1];
            for (int i = 0; i < axes.Length; i++) factor[axes[i]] = scales.Reals![i];
            reason = factor[0] != 1 || factor[1] != 1 ? $"scales [{string.Join(", ", factor)}]: NativeConv resizes height and width, never the batch or channels (their scales must be 1)"
                : !(factor[2] > 0 && factor[3] > 0) || !double.IsFinite(factor[2]) || !double.IsFinite(factor[3]) ? $"scales [{string.Join(", ", factor)}]: not finite and positive"
                : node.OpType == "Upsample" && (factor[2] < 1 || factor[3] < 1) ? $"Upsample scales [{string.Join(", ", factor)}] below 1: an Upsample only enlarges"
                : NotWhole(shape[2], factor[2], "height") ?? NotWhole(shape[3], factor[3], "width");
            if (context.Stops(node, reason)) return;
            y = context.Builder.Resize(x.Value, ResizeSpec.ByScale(factor[2], factor[3], c.Mode, c.Coordinates, c.Rounding), name);
        }
        else
        {
            context.Refuse(node, node.OpType == "Upsample" || node.HasInput(2) || node.HasInput(3) ? "scales or sizes that are not constants" : "neither scales nor sizes");
            return;
        }
        context.Define(node, 0, y, 4);
    }

    /// <summary>Why ONNX's 1/scale coordinates may differ from NativeConv's in/out on this axis, or null when size × scale is whole for every size it can have.</summary>
    private static string? NotWhole(Dim size, double scale, string axis)
    {
        if (size.Size is { } n)
            return Math.Floor(n * scale) == n * scale ? null
                : $"scale {scale} of a {axis} of {n}: {n} × {scale} is not a whole number, where ONNX's coordinates (by 1/scale) and NativeConv's (by in/out) part; give sizes instead";
        return Math.Floor(scale) == scale ? null
            : $"scale {scale} of a {axis} bound only at a call: only a whole scale keeps ONNX's coordinates (by 1/scale) and NativeConv's (by in/out) the same for every size; give sizes instead";
    }
}
