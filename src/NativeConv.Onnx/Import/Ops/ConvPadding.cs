namespace NativeConv.Onnx;

/// <summary>
/// ONNX's padding of a 2-D window (Conv, pools): explicit pads [top, left, bottom, right] or auto_pad. SAME_UPPER is
/// NativeConv's <see cref="Padding2D.Same"/>; SAME_LOWER puts the odd row or column before: explicit when the size is
/// known, and the same as SAME_UPPER when the total is even for every size (stride 1, odd effective kernel).
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
                if (height.Size is { } h && width.Size is { } w)
                {
                    (int top, int bottom) = Lower(h, effectiveKernel.Height, stride.Height);
                    (int left, int right) = Lower(w, effectiveKernel.Width, stride.Width);
                    return Padding2D.Explicit(top, left, bottom, right);
                }
                if (stride == new Size2D(1, 1) && effectiveKernel.Height % 2 == 1 && effectiveKernel.Width % 2 == 1) return Padding2D.Same;
                reason = "auto_pad SAME_LOWER with a stride above 1 or an even kernel on an input whose size is bound only at a call";
                return null;
            default:
                reason = $"auto_pad '{auto}' (NOTSET, VALID, SAME_UPPER and SAME_LOWER are ONNX's)";
                return null;
        }
    }

    private static (int Before, int After) Lower(long size, int kernel, int stride)
    {
        long output = (size + stride - 1) / stride;
        long total = Math.Max((output - 1) * stride + kernel - size, 0);
        return ((int)(total - total / 2), (int)(total / 2));
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
            case PaddingMode.Valid: return Window(n, effectiveKernel, stride, ceil);
            default:
                long padded = n + (vertical ? padding.Top + padding.Bottom : padding.Left + padding.Right);
                return Window(padded, effectiveKernel, stride, ceil);
        }
    }

    private static Dim Window(long padded, int kernel, int stride, bool ceil) =>
        padded < kernel ? Dim.Unknown() : Dim.Of(ceil ? (padded - kernel + stride - 1) / stride + 1 : (padded - kernel) / stride + 1);
}
