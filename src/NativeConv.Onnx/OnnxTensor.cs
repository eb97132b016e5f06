namespace NativeConv.Onnx;

/// <summary>
/// A float32 tensor passed to or received from <see cref="OnnxModel.Run(IReadOnlyDictionary{string, OnnxTensor})"/>:
/// the data, dense, and its dimensions in the model's call layout (rank 4: NCHW, or NHWC with
/// <see cref="NetworkOptions.Layout"/> = NHWC; rank 2: (N, C)).
/// </summary>
public sealed record OnnxTensor(ReadOnlyMemory<float> Data, int[] Shape)
{
    public override string ToString() => $"float32[{string.Join(", ", Shape)}]";
}
