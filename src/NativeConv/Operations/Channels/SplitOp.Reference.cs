namespace NativeConv;

internal sealed partial class SplitOp
{
    /// <summary>Each part: its run of every pixel's channels, values moved with their bounds and magnitudes exactly.</summary>
    public override ReferenceTensor[] Reference(ReferenceTensor[] inputs, ReferenceContext context)
    {
        ReferenceTensor x = inputs[0];
        int c = x.Shape.Channels, pixels = x.Shape.Batch * x.Shape.Height * x.Shape.Width, offset = 0;
        var parts = new ReferenceTensor[Channels.Length];
        for (int k = 0; k < parts.Length; k++)
        {
            int ck = Channels[k];
            TensorShape shape = x.Shape with { Channels = ck };
            var value = new double[shape.Length];
            var bound = new double[value.Length];
            var magnitude = new double[value.Length];
            for (int p = 0; p < pixels; p++)
                for (int ch = 0; ch < ck; ch++)
                {
                    int from = p * c + offset + ch, to = p * ck + ch;
                    (value[to], bound[to], magnitude[to]) = (x.Value[from], x.Bound[from], x.Magnitude[from]);
                }
            parts[k] = new ReferenceTensor(shape, value, bound, magnitude, x.RelativeBudget);
            offset += ck;
        }
        return parts;
    }
}
