using System.Numerics;

namespace NativeConv;

/// <summary>
/// An operation a <see cref="QuantizedNetwork{T}"/> runs on integer data, in its own Operations/&lt;Op&gt;/&lt;Op&gt;.Quantized.cs;
/// a network with an operation that is not one is refused at calibration, naming it.
/// </summary>
internal interface IQuantizedOperation
{
    /// <summary>Why this instance has no quantized form (e.g. an activation that is not a clamp), or null: asked before calibration runs anything.</summary>
    string? Refusal => null;

    /// <summary>The operation on <typeparamref name="T"/> data with the parameters <paramref name="network"/> calibrated for its values (it is operation <paramref name="index"/>).</summary>
    IQuantizedStep LowerQuantized<T>(QuantizedNetworkParameters network, int index, ConvBackend backend) where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T>;
}

/// <summary>A quantized operation made runnable: it reads and writes its values through the call's table (NHWC, one element type).</summary>
internal interface IQuantizedStep : IDisposable
{
    /// <summary>Runs for <paramref name="shapes"/>, every value's shape in this call.</summary>
    unsafe void Run(void** values, TensorShape[] shapes);

    /// <summary>Makes what a call for these shapes needs, so the call allocates nothing.</summary>
    void Prepare(TensorShape[] shapes)
    {
    }
}
