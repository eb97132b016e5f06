namespace NativeConv;

/// <summary>
/// A transposed convolution as oneDNN and XNNPACK take it. Both place the output by the top and left padding alone and
/// read the bottom and right padding only to size it, and both refuse to extend the full output by a stride step or
/// more (XNNPACK's adjustment must be below the stride, oneDNN's padding_r above −stride), which PyTorch allows when the
/// output padding is below the dilation instead. So the output padding first cancels bottom/right padding; what is
/// left below a stride is the libraries' adjustment; each whole stride step beyond becomes a zero row (column) appended
/// to every input image, which extends the full output by one stride step of bias-only values
/// (<see cref="PaddedImages"/>, a copy per call). Depends on the spec alone.
/// </summary>
internal readonly record struct TransposedLowering(int PadBottom, int PadRight, int AdjustHeight, int AdjustWidth, int ExtraRows, int ExtraColumns)
{
    public static TransposedLowering Of(ConvTranspose2dSpec spec)
    {
        var (padBottom, adjustHeight, extraRows) = Axis(spec.Padding.Bottom, spec.OutputPadding.Height, spec.Stride.Height);
        var (padRight, adjustWidth, extraColumns) = Axis(spec.Padding.Right, spec.OutputPadding.Width, spec.Stride.Width);
        return new TransposedLowering(padBottom, padRight, adjustHeight, adjustWidth, extraRows, extraColumns);
    }

    /// <summary>Whether the input needs zero rows or columns appended.</summary>
    public bool ExtendsInput => (ExtraRows | ExtraColumns) != 0;

    /// <summary>What Describe reports for the input copy, or null when there is none.</summary>
    public string? Bridge(ConvTranspose2dSpec spec) => ExtendsInput
        ? $"output padding {spec.OutputPadding} reaches a whole stride step past the full output: each call copies the input into a buffer " +
          $"with {ExtraRows} zero row(s) and {ExtraColumns} zero column(s) appended (one extra pass over the input)"
        : null;

    private static (int PadEnd, int Adjust, int Extra) Axis(int padEnd, int outputPadding, int stride)
    {
        int beyond = outputPadding - padEnd; // how far the output reaches past the full output
        return beyond <= 0 ? (padEnd - outputPadding, 0, 0) : (0, beyond % stride, beyond / stride);
    }
}
