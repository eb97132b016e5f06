namespace NativeConv;

/// <summary>
/// An immutable 2-D pooling window, as PyTorch's <c>MaxPool2d</c> / <c>AvgPool2d</c> (and ONNX's MaxPool /
/// AveragePool, whose pads may differ per side) define it: a kernel placed at stride steps over the input padded on
/// each side, taps <see cref="Dilation"/> apart (max pool only). Output size per axis, PyTorch's rule:
/// ⌊(in + pad_begin + pad_end − dilation·(k − 1) − 1 + (ceil ? stride − 1 : 0)) / stride⌋ + 1, less one in ceil mode
/// when the last window would start past the input and the begin padding; below 1, the input is refused (so in ceil
/// mode a window may reach past the end padding, as in PyTorch). Padding never takes part: a max ignores it,
/// an average divides by the window's taps inside the input, or with <see cref="CountIncludePad"/> by its size
/// clipped to the padded input. Everything that needs no input size is validated here.
/// </summary>
public sealed record Pool2dSpec
{
    /// <param name="kernel">The window.</param>
    /// <param name="stride">Steps between windows; null: the kernel (PyTorch's default).</param>
    /// <param name="padding">Explicit amounts per side (Valid is none), each at most half the kernel on its axis; Same is refused (PyTorch's pools have none).</param>
    /// <param name="dilation">Distance between taps (max pool only); null: 1.</param>
    /// <param name="ceilMode">Round the output size up: a last, partial window, kept only when it starts inside the input or the begin padding.</param>
    /// <param name="countIncludePad">An average divides by the window clipped to the padded input (true, PyTorch's default) or by its taps inside the input.</param>
    public Pool2dSpec(Size2D kernel, Size2D? stride = null, Padding2D padding = default, Size2D? dilation = null, bool ceilMode = false, bool countIncludePad = true)
    {
        if (kernel.Height == 0) throw new ArgumentException("kernel must be given (default Size2D is 0x0)", nameof(kernel));
        Size2D s = stride ?? kernel, d = dilation ?? new Size2D(1, 1);
        if (s.Height == 0) throw new ArgumentException("stride must be at least 1x1", nameof(stride));
        if (d.Height == 0) throw new ArgumentException("dilation must be at least 1x1", nameof(dilation));
        if (padding.Mode == PaddingMode.Same)
            throw new ArgumentException("a pool takes explicit padding (PyTorch's and ONNX's pads), not Same", nameof(padding));
        Padding2D p = padding.Mode == PaddingMode.Valid ? Padding2D.Symmetric(0) : padding;
        // PyTorch's rule: a side padded by more than half the kernel would have windows with no input in them.
        if (p.Top > kernel.Height / 2 || p.Bottom > kernel.Height / 2 || p.Left > kernel.Width / 2 || p.Right > kernel.Width / 2)
            throw new ArgumentException($"padding (top {p.Top}, left {p.Left}, bottom {p.Bottom}, right {p.Right}) must be at most half the {kernel} kernel on each side (PyTorch's rule)", nameof(padding));
        if ((kernel.Height - 1L) * d.Height + 1 > int.MaxValue / 2 || (kernel.Width - 1L) * d.Width + 1 > int.MaxValue / 2)
            throw new ArgumentException($"the dilated window (kernel {kernel}, dilation {d}) is too large", nameof(dilation));
        Kernel = kernel;
        Stride = s;
        Padding = p;
        Dilation = d;
        CeilMode = ceilMode;
        CountIncludePad = countIncludePad;
    }

    public Size2D Kernel { get; }

    public Size2D Stride { get; }

    /// <summary>Rows and columns of padding on each side (always explicit).</summary>
    public Padding2D Padding { get; }

    public Size2D Dilation { get; }

    public bool CeilMode { get; }

    /// <summary>For an average: divide by the window clipped to the padded input (true) or by its taps inside the input.</summary>
    public bool CountIncludePad { get; }

    internal bool IsDilated => Dilation != new Size2D(1, 1);

    internal bool IsPadded => (Padding.Top | Padding.Left | Padding.Bottom | Padding.Right) != 0;

    /// <summary>The window along each axis for an input of <paramref name="input"/>'s size, or an exception saying why it does not fit.</summary>
    internal PoolGeometry Geometry(TensorShape input)
    {
        PoolAxis? rows = PoolAxis.Resolve(input.Height, Kernel.Height, Stride.Height, Dilation.Height, Padding.Top, Padding.Bottom, CeilMode);
        PoolAxis? columns = PoolAxis.Resolve(input.Width, Kernel.Width, Stride.Width, Dilation.Width, Padding.Left, Padding.Right, CeilMode);
        if (rows is null || columns is null)
        {
            string window = IsDilated ? $"{Kernel} window dilated {Dilation} (spanning {(Kernel.Height - 1) * Dilation.Height + 1}x{(Kernel.Width - 1) * Dilation.Width + 1})" : $"{Kernel} window";
            throw new ArgumentException($"the output would be empty: the {window} is larger than the {input.Height}x{input.Width} input padded to "
                + $"{input.Height + Padding.Top + Padding.Bottom}x{input.Width + Padding.Left + Padding.Right}" + (CeilMode ? ", even with ceil mode's partial last window" : ""));
        }
        return new PoolGeometry(input.Batch, input.Channels, rows.Value, columns.Value);
    }

    /// <summary>e.g. "3x3 stride 2 padding 1", "2x2 stride 2 ceil mode", "3x3 stride 1 padding (t1, l0, b1, r0) dilation 2x1".</summary>
    public override string ToString()
    {
        static string Side(Size2D s) => s.Height == s.Width ? $"{s.Height}" : s.ToString();
        string text = $"{Kernel} stride {Side(Stride)}";
        if (IsPadded)
        {
            Padding2D p = Padding;
            text += p.Top == p.Left && p.Left == p.Bottom && p.Bottom == p.Right ? $" padding {p.Top}" : $" padding (t{p.Top}, l{p.Left}, b{p.Bottom}, r{p.Right})";
        }
        if (IsDilated) text += $" dilation {Side(Dilation)}";
        if (CeilMode) text += " ceil mode";
        return text;
    }
}
