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

    /// <summary>
    /// The same network for data shifted by <paramref name="shift"/> (uint8 − 128 = int8): every zero point moves
    /// with it, scales and weights stay, so x − z and every result are unchanged.
    /// </summary>
    internal QuantizedNetworkParameters Shifted(int shift)
    {
        QuantizationParameters S(QuantizationParameters p) => p with { ZeroPoint = p.ZeroPoint + shift };
        var steps = Steps.Select(step => step switch
        {
            QuantizedConvStep c => c with { Definition = c.Definition with { Input = S(c.Definition.Input), Output = S(c.Definition.Output) } },
            QuantizedAddStep a => a with { LeftParameters = S(a.LeftParameters), RightParameters = S(a.RightParameters), OutputParameters = S(a.OutputParameters) },
            QuantizedPoolStep p => (GraphOp)(p with { InputParameters = S(p.InputParameters), OutputParameters = S(p.OutputParameters) }),
            _ => throw new InvalidOperationException($"unexpected step {step}"),
        }).ToList();
        return new QuantizedNetworkParameters(steps, Channels, S(Input), S(Output));
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
