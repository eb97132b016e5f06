namespace NativeConv;

/// <summary>One input of a <see cref="ConvNetwork.Run(System.ReadOnlySpan{NetworkInput}, System.ReadOnlySpan{NetworkOutput})"/> call: the data, in the network's layout, and its logical shape (N, C, H, W).</summary>
public readonly record struct NetworkInput(ReadOnlyMemory<float> Data, TensorShape Shape);
