namespace NativeConv;

/// <summary>
/// What a <see cref="QuantizedNetwork{T}"/> runs: each convolution's int8 weights and the parameters of every
/// tensor (calibrated by <see cref="QuantizedNetwork{T}.Calibrate"/>), in the order the operations run.
/// </summary>
public sealed class QuantizedNetworkParameters
{
    internal QuantizedNetworkParameters(IReadOnlyList<GraphOp> steps, IReadOnlyList<int> channels, QuantizationParameters input, QuantizationParameters output)
    {
        Steps = steps;
        Channels = channels;
        Input = input;
        Output = output;
        Layers = steps.OfType<QuantizedConvStep>().Select(s => s.Definition).ToList();
    }

    /// <summary>The convolutions, in the order they run.</summary>
    public IReadOnlyList<QuantizedLayerDefinition> Layers { get; }

    /// <summary>The parameters the caller quantizes its input with.</summary>
    public QuantizationParameters Input { get; }

    /// <summary>The parameters the output is in.</summary>
    public QuantizationParameters Output { get; }

    /// <summary>Convolutions, residual adds and average pools over values 0 (the input) .. <see cref="Channels"/>.Count − 1.</summary>
    internal IReadOnlyList<GraphOp> Steps { get; }

    /// <summary>Per value, its channel count.</summary>
    internal IReadOnlyList<int> Channels { get; }
}
