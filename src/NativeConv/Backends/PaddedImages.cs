namespace NativeConv;

/// <summary>
/// A batch of images held, for one shape, in a buffer with extra rows at the bottom and extra columns at the right of
/// every image, in NCHW or NHWC, the extra part zero from the start. <see cref="CopyIn"/> gives a library an input with
/// zeros appended (<see cref="TransposedLowering"/>); <see cref="CopyOut"/> takes the caller's part back out of an
/// output a library had to make larger. The buffer has XNNPACK's read slack after it.
/// </summary>
internal sealed unsafe class PaddedImages : IDisposable
{
    private readonly NativeFloatBuffer _buffer;
    private readonly int _planes, _rows, _rowLength, _paddedRows, _paddedRowLength;

    public PaddedImages(TensorLayout layout, int batch, int channels, int height, int width, int extraRows, int extraColumns)
    {
        Height = height + extraRows;
        Width = width + extraColumns;
        // A plane is what one image's rows run through: all channels (NHWC) or one channel (NCHW).
        int pixel = layout == TensorLayout.Nhwc ? channels : 1;
        _planes = layout == TensorLayout.Nhwc ? batch : batch * channels;
        _rows = height;
        _rowLength = width * pixel;
        _paddedRows = Height;
        _paddedRowLength = Width * pixel;
        long length = (long)batch * channels * Height * Width;
        if (length > Array.MaxLength)
            throw new ArgumentException($"{batch}x{channels}x{Height}x{Width} images, padded, exceed the largest span ({Array.MaxLength})", nameof(batch));
        _buffer = new NativeFloatBuffer((int)length);
    }

    /// <summary>Rows and columns of each padded image.</summary>
    public int Height { get; }

    public int Width { get; }

    public float* Pointer => _buffer.Pointer;

    /// <summary>Copies <paramref name="images"/> (unpadded, the shape's exact length) into the buffer, and returns the buffer.</summary>
    public float* CopyIn(float* images)
    {
        Copy(images, _rowLength, _buffer.Pointer, _paddedRowLength, _rows, _paddedRows);
        return _buffer.Pointer;
    }

    /// <summary>Copies each padded image's top-left part, the caller's shape, into <paramref name="images"/>.</summary>
    public void CopyOut(float* images) => Copy(_buffer.Pointer, _paddedRowLength, images, _rowLength, _paddedRows, _rows);

    private void Copy(float* from, int fromRowLength, float* to, int toRowLength, int fromRows, int toRows)
    {
        for (int plane = 0; plane < _planes; plane++)
            for (int row = 0; row < _rows; row++)
                new ReadOnlySpan<float>(from + ((long)plane * fromRows + row) * fromRowLength, _rowLength)
                    .CopyTo(new Span<float>(to + ((long)plane * toRows + row) * toRowLength, _rowLength));
    }

    public void Dispose() => _buffer.Dispose();
}
