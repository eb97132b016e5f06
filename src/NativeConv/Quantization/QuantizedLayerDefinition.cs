namespace NativeConv;

/// <summary>One layer of a <see cref="QuantizedNetwork{T}"/>: its quantized weights, and the parameters of what it reads and writes.</summary>
public sealed record QuantizedLayerDefinition(QuantizedConvWeights Weights, QuantizationParameters Input, QuantizationParameters Output);
