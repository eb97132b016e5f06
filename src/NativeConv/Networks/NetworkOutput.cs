namespace NativeConv;

/// <summary>One output of a <see cref="ConvNetwork.Run(System.ReadOnlySpan{NetworkInput}, System.ReadOnlySpan{NetworkOutput})"/> call: where it is written, in the network's layout (its shape follows from the inputs').</summary>
public readonly record struct NetworkOutput(Memory<float> Data);
