namespace NativeConv;

/// <summary>A convolution applied to one input size: resolved padding, output size, element counts.</summary>
public readonly record struct ConvGeometry(
    int Batch, int InChannels, int InHeight, int InWidth,
    int OutChannels, int OutHeight, int OutWidth,
    int PadTop, int PadLeft, int PadBottom, int PadRight)
{
    public int InputLength => Batch * InChannels * InHeight * InWidth;

    public int OutputLength => Batch * OutChannels * OutHeight * OutWidth;

    internal static ConvGeometry Resolve(Conv2dSpec spec, int batch, int height, int width)
    {
        if (batch < 1) throw new ArgumentOutOfRangeException(nameof(batch), batch, "must be at least 1");
        if (height < 1) throw new ArgumentOutOfRangeException(nameof(height), height, $"must be at least 1 (input {batch}x{spec.InChannels}x{height}x{width})");
        if (width < 1) throw new ArgumentOutOfRangeException(nameof(width), width, $"must be at least 1 (input {batch}x{spec.InChannels}x{height}x{width})");

        var (top, bottom, outH) = Axis(spec.Padding.Mode, spec.Padding.Top, spec.Padding.Bottom, height,
            spec.EffectiveKernel.Height, spec.Stride.Height, nameof(height), spec, batch, height, width);
        var (left, right, outW) = Axis(spec.Padding.Mode, spec.Padding.Left, spec.Padding.Right, width,
            spec.EffectiveKernel.Width, spec.Stride.Width, nameof(width), spec, batch, height, width);

        long input = (long)batch * spec.InChannels * height * width;
        long output = (long)batch * spec.OutChannels * outH * outW;
        if (input > Array.MaxLength || output > Array.MaxLength)
            throw new ArgumentException($"input {batch}x{spec.InChannels}x{height}x{width} ({input} elements) or output " +
                $"{batch}x{spec.OutChannels}x{outH}x{outW} ({output} elements) exceeds the largest span ({Array.MaxLength})", nameof(batch));
        return new ConvGeometry(batch, spec.InChannels, height, width, spec.OutChannels, outH, outW, top, left, bottom, right);
    }

    private static (int Before, int After, int Out) Axis(PaddingMode mode, int before, int after, int size, int effectiveKernel,
        int stride, string argument, Conv2dSpec spec, int batch, int height, int width)
    {
        switch (mode)
        {
            case PaddingMode.Same:
            {
                int output = (int)(((long)size + stride - 1) / stride);
                long total = Math.Max(((long)output - 1) * stride + effectiveKernel - size, 0);
                return ((int)(total / 2), (int)(total - total / 2), output);
            }
            case PaddingMode.Valid:
                before = after = 0;
                goto default;
            default:
            {
                long padded = (long)size + before + after;
                if (padded < effectiveKernel)
                    throw new ArgumentException($"the effective kernel ({effectiveKernel}) is larger than the padded input {argument} " +
                        $"({size} + {before} + {after} = {padded}) for input {batch}x{spec.InChannels}x{height}x{width} of {spec}", argument);
                return (before, after, (int)((padded - effectiveKernel) / stride + 1));
            }
        }
    }
}
