namespace NativeConv;

/// <summary>
/// Rows and columns a transposed convolution adds at the bottom and right of its output (PyTorch's <c>output_padding</c>):
/// of the input sizes a strided convolution maps to one output size, it picks the one the transposed convolution
/// restores. Both at least 0 (and, per <see cref="ConvTranspose2dSpec"/>, below the stride or the dilation).
/// </summary>
public readonly record struct OutputPadding2D(int Height, int Width)
{
    public int Height { get; } = Height >= 0 ? Height : throw new ArgumentOutOfRangeException(nameof(Height), Height, $"must not be negative (got {Height}x{Width})");

    public int Width { get; } = Width >= 0 ? Width : throw new ArgumentOutOfRangeException(nameof(Width), Width, $"must not be negative (got {Height}x{Width})");

    /// <summary>The same amount on both axes.</summary>
    public static implicit operator OutputPadding2D(int padding) => new(padding, padding);

    public override string ToString() => $"{Height}x{Width}";
}
