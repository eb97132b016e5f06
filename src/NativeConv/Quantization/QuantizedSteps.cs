namespace NativeConv;

/// <summary>A quantized convolution of a quantized network: its weights and the parameters of what it reads and writes.</summary>
internal sealed record QuantizedConvStep(string Name, int Input, int Output, QuantizedLayerDefinition Definition) : GraphOp(Name, Output)
{
    public override IReadOnlyList<int> Inputs => [Input];
}

/// <summary>A quantized residual add (<see cref="QuantizedAdd"/>): Left + Right into the output's parameters.</summary>
internal sealed record QuantizedAddStep(string Name, int Left, int Right, int Output,
    QuantizationParameters LeftParameters, QuantizationParameters RightParameters, QuantizationParameters OutputParameters) : GraphOp(Name, Output)
{
    public override IReadOnlyList<int> Inputs => [Left, Right];

    public override int InPlaceInput => Left;
}

/// <summary>A quantized global average pool (<see cref="QuantizedAveragePool"/>).</summary>
internal sealed record QuantizedPoolStep(string Name, int Input, int Output,
    QuantizationParameters InputParameters, QuantizationParameters OutputParameters) : GraphOp(Name, Output)
{
    public override IReadOnlyList<int> Inputs => [Input];
}
