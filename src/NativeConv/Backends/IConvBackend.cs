namespace NativeConv;

/// <summary>
/// A convolution engine. Every backend accepts every <see cref="Conv2dSpec"/> in both layouts;
/// what a backend bridges (a transpose, a separate activation pass) its capabilities say.
/// </summary>
public interface IConvBackend
{
    /// <summary>"reference", "onednn" or "xnnpack".</summary>
    string Name { get; }

    /// <summary>What running <paramref name="spec"/> in <paramref name="layout"/> involves on this backend.</summary>
    BackendCapabilities Describe(Conv2dSpec spec, TensorLayout layout);

    /// <summary>
    /// Prepares a convolution once: weights (PyTorch order) and bias are validated by the caller,
    /// copied, and packed or reordered here. The returned kernel runs many times.
    /// </summary>
    IConvKernel Create(Conv2dSpec spec, TensorLayout layout, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias);
}
