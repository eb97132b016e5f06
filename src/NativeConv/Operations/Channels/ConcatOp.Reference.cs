namespace NativeConv;

internal sealed partial class ConcatOp
{
    /// <summary>Each pixel's channels of every input, one input after another: values moved, so each keeps its bound and magnitude exactly.</summary>
    public override ReferenceTensor[] Reference(ReferenceTensor[] inputs, ReferenceContext context)
    {
        var outputs = new TensorShape[1];
        InferShapes(inputs.Select(x => x.Shape).ToArray(), outputs);
        TensorShape shape = outputs[0];
        int c = shape.Channels, pixels = shape.Batch * shape.Height * shape.Width;
        var value = new double[shape.Length];
        var bound = new double[value.Length];
        var magnitude = new double[value.Length];
        int offset = 0;
        foreach (ReferenceTensor x in inputs)
        {
            int ck = x.Shape.Channels;
            for (int p = 0; p < pixels; p++)
                for (int ch = 0; ch < ck; ch++)
                {
                    int from = p * ck + ch, to = p * c + offset + ch;
                    (value[to], bound[to], magnitude[to]) = (x.Value[from], x.Bound[from], x.Magnitude[from]);
                }
            offset += ck;
        }
        return [new ReferenceTensor(shape, value, bound, magnitude, inputs.Max(x => x.RelativeBudget))];
    }
}
