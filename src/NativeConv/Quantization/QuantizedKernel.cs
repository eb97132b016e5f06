using System.Numerics;

namespace NativeConv;

/// <summary>
/// A prepared quantized convolution on one backend, for <typeparamref name="T"/> = byte (uint8) or sbyte
/// (int8) activations. Like <see cref="ConvKernel"/>: <see cref="Forward"/> checks the geometry and the
/// spans, then runs the backend's core under the kernel's lock.
/// </summary>
internal abstract class QuantizedKernel<T> : IDisposable where T : unmanaged, IBinaryInteger<T>
{
    private readonly Lock _gate = new();
    private bool _disposed;

    protected QuantizedKernel(QuantizedConvWeights weights, QuantizationParameters input, QuantizationParameters output, TensorLayout layout)
    {
        Weights = weights;
        Input = input;
        Output = output;
        Layout = layout;
    }

    public QuantizedConvWeights Weights { get; }

    public Conv2dSpec Spec => Weights.Spec;

    public QuantizationParameters Input { get; }

    public QuantizationParameters Output { get; }

    public TensorLayout Layout { get; }

    public abstract string ImplementationName { get; }

    public void Forward(in ConvGeometry geometry, ReadOnlySpan<T> input, Span<T> output)
    {
        ConvArguments.CheckGeometry(Spec, geometry);
        if (input.Length != geometry.InputLength)
            throw new ArgumentException($"input must hold {ConvArguments.Shape(Layout, geometry.Batch, geometry.InChannels, geometry.InHeight, geometry.InWidth)} = {geometry.InputLength} values, got {input.Length}", nameof(input));
        if (output.Length != geometry.OutputLength)
            throw new ArgumentException($"output must hold {ConvArguments.Shape(Layout, geometry.Batch, geometry.OutChannels, geometry.OutHeight, geometry.OutWidth)} = {geometry.OutputLength} values, got {output.Length}", nameof(output));
        if (input.Overlaps(output)) throw new ArgumentException("input and output must not overlap", nameof(output));
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            ForwardCore(geometry, input, output);
        }
    }

    protected abstract void ForwardCore(in ConvGeometry geometry, ReadOnlySpan<T> input, Span<T> output);

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            Dispose(disposing: true);
        }
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
    }
}
