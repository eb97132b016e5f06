namespace NativeConv;

/// <summary>
/// A convolution applied to one input size: resolved padding, output size, element counts. For a transposed
/// convolution the padding is what is cropped from its full output (<see cref="ConvTranspose2dSpec.Padding"/>).
/// </summary>
public readonly record struct ConvGeometry(
    int Batch, int InChannels, int InHeight, int InWidth,
    int OutChannels, int OutHeight, int OutWidth,
    int PadTop, int PadLeft, int PadBottom, int PadRight)
{
    public int InputLength => Batch * InChannels * InHeight * InWidth;

    public int OutputLength => Batch * OutChannels * OutHeight * OutWidth;

    internal static ConvGeometry Resolve(Conv2dSpec spec, int batch, int height, int width)
    {
        CheckInput(spec, batch, height, width);
        var (top, bottom, outH) = Axis(spec.Padding.Mode, spec.Padding.Top, spec.Padding.Bottom, height,
            spec.EffectiveKernel.Height, spec.Stride.Height, nameof(height), spec, batch, height, width);
        var (left, right, outW) = Axis(spec.Padding.Mode, spec.Padding.Left, spec.Padding.Right, width,
            spec.EffectiveKernel.Width, spec.Stride.Width, nameof(width), spec, batch, height, width);
        return Within(spec, batch, height, width, outH, outW, top, left, bottom, right);
    }

    /// <summary>PyTorch's ConvTranspose2d sizes: (in − 1)·stride − pad_begin − pad_end + effective kernel + output padding.</summary>
    internal static ConvGeometry ResolveTransposed(ConvTranspose2dSpec spec, int batch, int height, int width)
    {
        CheckInput(spec, batch, height, width);
        Padding2D p = spec.Padding;
        long outH = (height - 1L) * spec.Stride.Height - p.Top - p.Bottom + spec.EffectiveKernel.Height + spec.OutputPadding.Height;
        long outW = (width - 1L) * spec.Stride.Width - p.Left - p.Right + spec.EffectiveKernel.Width + spec.OutputPadding.Width;
        if (outH < 1 || outW < 1)
        {
            string argument = outH < 1 ? nameof(height) : nameof(width);
            throw new ArgumentException($"the output of {spec} on input {batch}x{spec.InChannels}x{height}x{width} would be {outH}x{outW}: " +
                "the padding crops more than the transposed convolution makes", argument);
        }
        if (outH > int.MaxValue || outW > int.MaxValue)
            throw new ArgumentException($"the output of {spec} on input {batch}x{spec.InChannels}x{height}x{width} would be {outH}x{outW}, " +
                $"more than the largest span ({Array.MaxLength})", nameof(batch));
        return Within(spec, batch, height, width, (int)outH, (int)outW, p.Top, p.Left, p.Bottom, p.Right);
    }

    private static void CheckInput(ConvolutionSpec spec, int batch, int height, int width)
    {
        if (batch < 1) throw new ArgumentOutOfRangeException(nameof(batch), batch, "must be at least 1");
        if (height < 1) throw new ArgumentOutOfRangeException(nameof(height), height, $"must be at least 1 (input {batch}x{spec.InChannels}x{height}x{width})");
        if (width < 1) throw new ArgumentOutOfRangeException(nameof(width), width, $"must be at least 1 (input {batch}x{spec.InChannels}x{height}x{width})");
    }

    /// <summary>The geometry, once both tensors are known to fit a span.</summary>
    private static ConvGeometry Within(ConvolutionSpec spec, int batch, int height, int width, int outH, int outW,
        int top, int left, int bottom, int right)
    {
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
