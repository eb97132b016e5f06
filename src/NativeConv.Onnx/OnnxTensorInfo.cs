namespace NativeConv.Onnx;

/// <summary>One dimension of a graph input or output: a fixed size, or a symbol bound at the first call.</summary>
public readonly record struct OnnxDimension(long? Size, string? Symbol)
{
    public bool IsFixed => Size is not null;

    public override string ToString() => Size?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? Symbol ?? "?";
}

/// <summary>A graph input or output as the file declares it: its ONNX name, element type and dimensions (NCHW for images).</summary>
public sealed record OnnxTensorInfo(string Name, string ElementType, IReadOnlyList<OnnxDimension> Dimensions)
{
    public int Rank => Dimensions.Count;

    public override string ToString() => $"{Name}: {ElementType}[{string.Join(", ", Dimensions)}]";
}
