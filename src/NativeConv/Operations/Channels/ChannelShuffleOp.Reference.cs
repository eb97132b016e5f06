namespace NativeConv;

internal sealed partial class ChannelShuffleOp
{
    /// <summary>Output channel k·g + j of each pixel is input channel j·(C/g) + k: values moved with their bounds and magnitudes exactly.</summary>
    public override ReferenceTensor[] Reference(ReferenceTensor[] inputs, ReferenceContext context)
    {
        ReferenceTensor x = inputs[0];
        int c = x.Shape.Channels, pixels = x.Shape.Batch * x.Shape.Height * x.Shape.Width, m = c / Groups;
        var value = new double[x.Value.Length];
        var bound = new double[value.Length];
        var magnitude = new double[value.Length];
        for (int p = 0; p < pixels; p++)
            for (int j = 0; j < Groups; j++)
                for (int k = 0; k < m; k++)
                {
                    int from = p * c + j * m + k, to = p * c + k * Groups + j;
                    (value[to], bound[to], magnitude[to]) = (x.Value[from], x.Bound[from], x.Magnitude[from]);
                }
        return [new ReferenceTensor(x.Shape, value, bound, magnitude, x.RelativeBudget)];
    }
}
