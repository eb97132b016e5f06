namespace NativeConv.Onnx;

/// <summary>A feature map of the network being built: its value, and its ONNX rank (4: (N, C, H, W); 2: (N, C), held as (N, C, 1, 1)).</summary>
internal readonly record struct FeatureMap(Value Value, int Rank);
