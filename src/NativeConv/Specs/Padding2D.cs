namespace NativeConv;

/// <summary>How padding is decided.</summary>
public enum PaddingMode
{
    /// <summary>Given amounts on each side.</summary>
    Explicit,

    /// <summary>Output size = ceil(input / stride); the total padding is split with the extra row/column at the bottom/right (TensorFlow's and PyTorch's 'same').</summary>
    Same,

    /// <summary>No padding.</summary>
    Valid,
}

/// <summary>Zero padding around the input: explicit amounts (possibly asymmetric), or Same / Valid.</summary>
public readonly record struct Padding2D
{
    private Padding2D(PaddingMode mode, int top, int left, int bottom, int right)
    {
        Mode = mode;
        Top = top;
        Left = left;
        Bottom = bottom;
        Right = right;
    }

    public PaddingMode Mode { get; }

    public int Top { get; }

    public int Left { get; }

    public int Bottom { get; }

    public int Right { get; }

    public static Padding2D Same { get; } = new(PaddingMode.Same, 0, 0, 0, 0);

    public static Padding2D Valid { get; } = new(PaddingMode.Valid, 0, 0, 0, 0);

    /// <summary>The same amount on every side.</summary>
    public static Padding2D Symmetric(int padding) => Explicit(padding, padding, padding, padding);

    /// <summary><paramref name="vertical"/> rows above and below, <paramref name="horizontal"/> columns left and right.</summary>
    public static Padding2D Symmetric(int vertical, int horizontal) => Explicit(vertical, horizontal, vertical, horizontal);

    public static Padding2D Explicit(int top, int left, int bottom, int right)
    {
        foreach (var (value, name) in new[] { (top, nameof(top)), (left, nameof(left)), (bottom, nameof(bottom)), (right, nameof(right)) })
            if (value < 0)
                throw new ArgumentOutOfRangeException(name, value, $"padding must not be negative (got top={top}, left={left}, bottom={bottom}, right={right})");
        return new Padding2D(PaddingMode.Explicit, top, left, bottom, right);
    }

    public static implicit operator Padding2D(int padding) => Symmetric(padding);

    public override string ToString() => Mode == PaddingMode.Explicit ? $"pad(t{Top},l{Left},b{Bottom},r{Right})" : Mode.ToString().ToLowerInvariant();
}
