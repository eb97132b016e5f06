using System.Numerics;

namespace NativeConv;

internal sealed partial class AddOp : IQuantizedOperation
{
    public string? Refusal => Activation.Kind == ActivationKind.None ? null : $"a quantized add runs without an activation after it, not {Activation}";

    public IQuantizedStep LowerQuantized<T>(QuantizedNetworkParameters network, int index, ConvBackend backend) where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T>
    {
        if (Refusal is { } why) throw new NotSupportedException($"'{Name}': {why}");
        return new QuantizedStep(this, new QuantizedAdd(network.Values[Inputs[0]], network.Values[Inputs[1]], network.Values[Output], typeof(T) == typeof(sbyte)));
    }

    /// <summary>The add as <see cref="QuantizedAdd"/> (its rounding written out), in the uint8 domain for int8 data.</summary>
    private sealed class QuantizedStep(AddOp op, QuantizedAdd add) : IQuantizedStep
    {
        public unsafe void Run(void** values, TensorShape[] shapes) =>
            add.Run((byte*)values[op.Inputs[0]], (byte*)values[op.Inputs[1]], (byte*)values[op.Output], shapes[op.Output].Length);

        public void Dispose()
        {
        }
    }
}
