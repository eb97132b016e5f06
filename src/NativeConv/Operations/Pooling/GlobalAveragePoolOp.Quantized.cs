using System.Numerics;

namespace NativeConv;

internal sealed partial class GlobalAveragePoolOp : IQuantizedOperation
{
    public IQuantizedStep LowerQuantized<T>(QuantizedNetworkParameters network, int index, ConvBackend backend) where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T> =>
        new QuantizedStep(this, new QuantizedAveragePool(network.Values[Inputs[0]], network.Values[Output], typeof(T) == typeof(sbyte)));

    /// <summary>The pool as <see cref="QuantizedAveragePool"/>: exact integer sums, one rounding.</summary>
    private sealed class QuantizedStep(GlobalAveragePoolOp op, QuantizedAveragePool pool) : IQuantizedStep
    {
        public unsafe void Run(void** values, TensorShape[] shapes) => pool.Run((byte*)values[op.Inputs[0]], (byte*)values[op.Output], shapes[op.Inputs[0]]);

        public void Prepare(TensorShape[] shapes) => pool.Prepare(shapes[op.Inputs[0]].Channels);

        public void Dispose()
        {
        }
    }
}
