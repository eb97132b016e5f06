namespace NativeConv;

/// <summary>The logical shape of a batch of feature maps, whatever its memory layout.</summary>
public readonly record struct TensorShape(int Batch, int Channels, int Height, int Width)
{
    /// <summary>Elements it holds; throws when that exceeds the largest span.</summary>
    public int Length
    {
        get
        {
            long length = (long)Batch * Channels * Height * Width;
            return length <= Array.MaxLength ? (int)length
                : throw new ArgumentException($"{this} holds {length} elements, more than the largest span ({Array.MaxLength})");
        }
    }

    /// <summary>As the layout orders it, e.g. <c>NCHW 1x3x224x224</c>.</summary>
    public string ToString(TensorLayout layout) =>
        layout == TensorLayout.Nchw ? $"NCHW {Batch}x{Channels}x{Height}x{Width}" : $"NHWC {Batch}x{Height}x{Width}x{Channels}";

    public override string ToString() => $"(N={Batch}, C={Channels}, H={Height}, W={Width})";
}
