namespace NativeConv.Onnx;

/// <summary>One dimension of a graph input or output: a fixed size, or a symbol bound at the first call.</summary>
public readonly record struct OnnxDimension(long? Size, string? Symbol)
{
    public bool IsFixed => Size is not null;

    public override string ToString() => Size?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? Symbol ?? "?";
}
