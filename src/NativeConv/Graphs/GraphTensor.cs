namespace NativeConv;

/// <summary>A graph's input or output: its name and channel count (batch, height and width are bound by the first call).</summary>
public sealed record GraphTensor(string Name, int Channels);
