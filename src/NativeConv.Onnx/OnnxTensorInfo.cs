namespace NativeConv.Onnx;

/// <summary>A graph input or output as the file declares it: its ONNX name, element type and dimensions (NCHW for images).</summary>
public sealed record OnnxTensorInfo(string Name, string ElementType, IReadOnlyList<OnnxDimension> Dimensions)
{
    public int Rank => Dimensions.Count;

    public override string ToString() => $"{Name}: {ElementType}[{string.Join(", ", Dimensions)}]";
}
