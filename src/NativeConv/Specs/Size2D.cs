namespace NativeConv;

/// <summary>A height and a width (kernel size, stride or dilation), both at least 1.</summary>
public readonly record struct Size2D
{
    public Size2D(int height, int width)
    {
        if (height < 1) throw new ArgumentOutOfRangeException(nameof(height), height, $"must be at least 1 (got {height}x{width})");
        if (width < 1) throw new ArgumentOutOfRangeException(nameof(width), width, $"must be at least 1 (got {height}x{width})");
        Height = height;
        Width = width;
    }

    public int Height { get; }

    public int Width { get; }

    /// <summary>A square size.</summary>
    public static implicit operator Size2D(int size) => new(size, size);

    public override string ToString() => $"{Height}x{Width}";
}
