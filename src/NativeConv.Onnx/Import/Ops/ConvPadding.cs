namespace NativeConv.Onnx;

/// <summary>
/// ONNX's padding of a 2-D window (Conv, pools): explicit pads [top, left, bottom, right] or auto_pad. SAME_UPPER is
/// NativeConv's <see cref="Padding2D.Same"/>; SAME_LOWER puts the odd row or column before: explicit when the size is
/// known, and the same as SAME_UPPER when the total is even for every size (stride 1, odd effective kernel). Pools take
/// explicit pads only (<see cref="Explicit"/>): both SAMEs become amounts where that holds.
/// </summary>
internal static class ConvPadding
{
    /// <returns>The padding, or null with <paramref name="reason"/>.</returns>
    public static Padding2D? Resolve(Node node, Size2D effectiveKernel, Size2D stride, Dim height, Dim width, out string? reason)
    {
        reason = null;
        string auto = node.String("auto_pad", "NOTSET");
        long[] pads = node.Ints("pads") ?? [0, 0, 0, 0];
        switch (auto)
        {
            case "NOTSET":
                if (pads.Length != 4) throw new OnnxFormatException($"{node}: pads has {pads.Length} values, a 2-D window takes 4");
                if (pads.Any(p => p < 0 || p > int.MaxValue))
                {
                    reason = $"pads [{string.Join(", ", pads)}]: negative padding (cropping) is not supported";
                    return null;
                }
                return Padding2D.Explicit((int)pads[0], (int)pads[1], (int)pads[2], (int)pads[3]);
            case "VALID":
                return Padding2D.Valid;
            case "SAME_UPPER":
                return Padding2D.Same;
            case "SAME_LOWER":
                // Where the total is even for every size the two SAMEs agree; elsewhere explicit amounts, if the size is known.
                return SizeFree(effectiveKernel, stride) && !(height.IsKnown && width.IsKnown) ? Padding2D.Same : Explicit(node, effectiveKernel, stride, height, width, out reason);
            default:
                reason = $"auto_pad '{auto}' (NOTSET, VALID, SAME_UPPER and SAME_LOWER are ONNX's)";
                return null;
        }
    }

    /// <summary>
    /// A window's padding as explicit amounts (pools, whose spec has no Same): pads, VALID's none, or a SAME's amounts
    /// for the known size, or for any size where they do not depend on it (stride 1 and an odd effective kernel: half
    /// of kernel − 1 on each side). Null with <paramref name="reason"/> otherwise.
    /// </summary>
    public static Padding2D? Explicit(Node node, Size2D effectiveKernel, Size2D stride, Dim height, Dim width, out string? reason)
    {
        reason = null;
        string auto = node.String("auto_pad", "NOTSET");
        if (auto is not ("SAME_UPPER" or "SAME_LOWER"))
        {
            Padding2D? padding = Resolve(node, effectiveKernel, stride, height, width, out reason);
            return padding?.Mode == PaddingMode.Valid ? Padding2D.Explicit(0, 0, 0, 0) : padding;
        }
        bool lower = auto == "SAME_LOWER";
        if (height.Size is { } h && width.Size is { } w)
        {
            (int top, int bottom) = Same(h, effectiveKernel.Height, stride.Height, lower);
            (int left, int right) = Same(w, effectiveKernel.Width, stride.Width, lower);
            return Padding2D.Explicit(top, left, bottom, right);
        }
        if (SizeFree(effectiveKernel, stride))
            return Padding2D.Explicit(effectiveKernel.Height / 2, effectiveKernel.Width / 2, effectiveKernel.Height / 2, effectiveKernel.Width / 2);
        reason = $"auto_pad {auto} with a stride above 1 or an even kernel on an input whose size is bound only at a call (its amounts depend on the size)";
        return null;
    }

    /// <summary>Whether a SAME padding is the same for every input size: stride 1 and an odd effective kernel, (k − 1) / 2 on each side.</summary>
    private static bool SizeFree(Size2D effectiveKernel, Size2D stride) =>
        stride == new Size2D(1, 1) && effectiveKernel.Height % 2 == 1 && effectiveKernel.Width % 2 == 1;

    /// <summary>A SAME padding's amounts along one axis: output ⌈size / stride⌉, the odd one after (SAME_UPPER) or before (SAME_LOWER).</summary>
    private static (int Before, int After) Same(long size, int kernel, int stride, bool lower)
    {
        long output = (size + stride - 1) / stride;
        long total = Math.Max((output - 1) * stride + kernel - size, 0);
        return lower ? ((int)(total - total / 2), (int)(total / 2)) : ((int)(total / 2), (int)(total - total / 2));
    }

    /// <summary>An output size of a window over <paramref name="size"/>, when known.</summary>
    public static Dim Output(Dim size, Padding2D padding, bool vertical, int effectiveKernel, int stride, bool ceil = false)
    {
        if (size.Size is not { } n)
        {
            // A size-keeping window keeps the symbol: the same size as its input, whatever it is at a call.
            int pads = padding.Mode == PaddingMode.Explicit ? (vertical ? padding.Top + padding.Bottom : padding.Left + padding.Right) : -1;
            bool keeps = stride == 1 && (padding.Mode == PaddingMode.Same || pads == effectiveKernel - 1 || (padding.Mode == PaddingMode.Valid && effectiveKernel == 1));
            return keeps ? size : Dim.Unknown();
        }
        switch (padding.Mode)
        {
            case PaddingMode.Same: return Dim.Of((n + stride - 1) / stride);
            case PaddingMode.Valid: return Window(n, 0, 0, effectiveKernel, stride, ceil);
            default:
                int before = vertical ? padding.Top : padding.Left;
                return Window(n, before, before + (vertical ? padding.Bottom : padding.Right), effectiveKernel, stride, ceil);
        }
    }

    /// <summary>
    /// PyTorch's window count, which ONNX's pools follow (onnx#5741): ⌊(padded − kernel) / stride⌋ + 1, rounded up in
    /// ceil mode, where a last window starting in the end padding is dropped.
    /// </summary>
    private static Dim Window(long size, long before, long total, int kernel, int stride, bool ceil)
    {
        long numerator = size + total - kernel + (ceil ? stride - 1 : 0);
        if (numerator < 0) return Dim.Unknown();
        long count = numerator / stride + 1;
        if (ceil && (count - 1) * stride >= size + before) count--;
        return Dim.Of(count);
    }
}
