namespace NativeConv.Onnx;

/// <summary>
/// Concat: folded on constants (shape vectors); of feature maps along the channels (axis 1, or -3 of (N, C, H, W), -1
/// of (N, C)) → <see cref="GraphBuilder.Concat"/> (ShuffleNet joins its two branches so).
/// </summary>
internal sealed class ConcatOnnx : OnnxOp
{
    public override IReadOnlyList<string> OpTypes => ["Concat"];

    public override string Summary => "Concat of feature maps along channels, of constants (folded)";

    public override (int Min, int Max) Arity(string opType) => (1, int.MaxValue);

    public override void Infer(Node node, InferContext context)
    {
        ValueInfo?[] inputs = node.Inputs.Select((_, k) => context.In(node, k)).ToArray();
        if (inputs.Length == 0 || inputs.Any(i => i?.Shape is null))
        {
            context.Unknown(node);
            return;
        }
        int rank = inputs[0]!.Shape!.Length;
        if (inputs.Any(i => i!.Shape!.Length != rank)) throw new OnnxFormatException($"{node}: inputs of different ranks");
        int axis = Shapes.Axis(node, node.Int("axis", 0), rank);
        if (inputs.All(i => i!.Constant is not null))
        {
            Tensor[] parts = inputs.Select(i => i!.Constant!).ToArray();
            if (parts.Any(p => p.IsReal != parts[0].IsReal)) throw new OnnxFormatException($"{node}: inputs of different element types");
            long[] dims = parts[0].Dims.ToArray();
            dims[axis] = parts.Sum(p => p.Dims[axis]);
            long outer = Shapes.Count(dims[..axis]), inner = Shapes.Count(dims[(axis + 1)..]);
            var reals = new List<double>();
            var ints = new List<Dim>();
            for (long o = 0; o < outer; o++)
                foreach (Tensor p in parts)
                {
                    long run = p.Dims[axis] * inner;
                    if (p.IsReal) reals.AddRange(p.Reals!.Skip((int)(o * run)).Take((int)run));
                    else ints.AddRange(p.Ints!.Skip((int)(o * run)).Take((int)run));
                }
            context.Fold(node, 0, parts[0].IsReal ? Tensor.Real(parts[0].Type, dims, reals.ToArray()) : Tensor.Integer(parts[0].Type, dims, ints.ToArray()));
            return;
        }
        Dim[] shape = inputs[0]!.Shape!.ToArray();
        shape[axis] = inputs.All(i => i!.Shape![axis].IsKnown) ? Dim.Of(inputs.Sum(i => i!.Shape![axis].Size!.Value)) : Dim.Unknown();
        context.Set(node, 0, new ValueInfo(inputs[0]!.Type, shape));
    }

    public override void Lower(Node node, LowerContext context)
    {
        FeatureMap?[] maps = node.Inputs.Select((_, k) => context.Map(node, k)).ToArray();
        int rank = maps.FirstOrDefault(m => m is not null)?.Rank ?? 4;
        long axis = node.Int("axis", 0);
        string? reason = Enumerable.Range(0, maps.Length).Select(k => context.NotMap(node, k, $"input {k} ('{node.Input(k)}')")).FirstOrDefault(r => r is not null)
            ?? (maps.Any(m => m is { } f && f.Rank != rank) ? $"feature maps of ranks {string.Join(" and ", maps.Where(m => m is not null).Select(m => m!.Value.Rank).Distinct())}"
            : (axis < 0 ? axis + rank : axis) != 1 ? $"Concat along axis {axis} of {Shapes.Text(context.Info(node, 0)?.Shape)}: feature maps are joined along channels only (axis 1)"
            : null);
        if (context.Stops(node, reason)) return;
        context.Define(node, 0, context.Builder.Concat(maps.Select(m => m!.Value.Value).ToArray(), context.Name(node)), rank);
    }
}
