namespace NativeConv;

/// <summary>
/// A pool's windows along one axis for one input size (PyTorch's <c>pooling_output_shape_pad_lr</c>): window o starts
/// at o·stride − pad_begin in input coordinates and has <see cref="Kernel"/> taps <see cref="Dilation"/> apart; the
/// ones outside the input are padding.
/// </summary>
internal readonly record struct PoolAxis(int In, int Out, int Kernel, int Stride, int Dilation, int PadBegin, int PadEnd)
{
    /// <summary>
    /// The axis, or null when it has no window (PyTorch's "output size is too small"): a dilated window larger than
    /// the padded input, unless ceil mode's partial last window still starts inside it.
    /// </summary>
    public static PoolAxis? Resolve(int input, int kernel, int stride, int dilation, int padBegin, int padEnd, bool ceilMode)
    {
        long span = (kernel - 1L) * dilation + 1, padded = (long)input + padBegin + padEnd;
        long numerator = padded - span + (ceilMode ? stride - 1 : 0);
        if (numerator < 0) return null;
        long output = numerator / stride + 1;
        // Ceil mode keeps a last window only if it starts inside the input or the begin padding, not in the end padding.
        if (ceilMode && (output - 1) * stride >= input + padBegin) output--;
        return new PoolAxis(input, (int)output, kernel, stride, dilation, padBegin, padEnd);
    }

    /// <summary>Where window <paramref name="o"/> starts, in input coordinates (negative inside the begin padding).</summary>
    public int Start(int o) => o * Stride - PadBegin;

    /// <summary>
    /// The taps [First, End) of window <paramref name="o"/> that fall inside the input (none only for a dilated window
    /// whose taps all miss it). A window never starts past the input's end (the output-size rule), but in ceil mode it
    /// may end past the end padding.
    /// </summary>
    public (int First, int End) Taps(int o)
    {
        int start = Start(o);
        int first = start >= 0 ? 0 : (-start + Dilation - 1) / Dilation;
        int end = Math.Min(Kernel, (In - 1 - start) / Dilation + 1);
        return (first, Math.Max(first, end));
    }

    /// <summary>
    /// PyTorch's count_include_pad divisor along this axis (no dilation): the window clipped to the padded input, so a
    /// ceil-mode window hanging past the end padding counts only up to it.
    /// </summary>
    public int PaddedExtent(int o) => (int)(Math.Min((long)Start(o) + Kernel, (long)In + PadEnd) - Start(o));

    /// <summary>
    /// The end padding under which a library's floor rule gives <see cref="Out"/> windows: up to the last window's end,
    /// never negative (ceil mode's partial window as padding, oneDNN's padding_r and XNNPACK's bottom and right).
    /// </summary>
    public int LibraryPadEnd => (int)Math.Max(0, (Out - 1L) * Stride + (Kernel - 1L) * Dilation + 1 - In - PadBegin);
}
