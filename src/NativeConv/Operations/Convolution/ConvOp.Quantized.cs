using System.Numerics;

namespace NativeConv;

internal sealed partial class ConvOp : IQuantizedOperation
{
    public string? Refusal => Requantization.Refusal(Spec.Activation);

    public IQuantizedStep LowerQuantized<T>(QuantizedNetworkParameters network, int index, ConvBackend backend) where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T> =>
        new QuantizedStep<T>(this, new QuantizedConv2dLayer<T>(network.Weights[index]!, network.Values[Input], network.Values[Output], backend, TensorLayout.Nhwc));

    /// <summary>The convolution as a <see cref="QuantizedConv2dLayer{T}"/> on NHWC data.</summary>
    private sealed class QuantizedStep<T>(ConvOp op, QuantizedConv2dLayer<T> layer) : IQuantizedStep where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T>
    {
        public unsafe void Run(void** values, TensorShape[] shapes)
        {
            TensorShape x = shapes[op.Input], y = shapes[op.Output];
            layer.Forward(new ReadOnlySpan<T>(values[op.Input], x.Length), new Span<T>(values[op.Output], y.Length), x.Batch, x.Height, x.Width);
        }

        public void Dispose() => layer.Dispose();
    }
}
