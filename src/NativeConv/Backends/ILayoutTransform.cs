namespace NativeConv;

/// <summary>
/// A batch of matrices transposed, (N, A, B) → (N, B, A) over floats: NCHW ↔ NHWC at a network's edges,
/// made once per shape by the backend that runs the first (or last) convolution, so it uses that
/// library's threads (oneDNN's reorder, XNNPACK's transpose); <see cref="NhwcOps.Transpose"/> otherwise.
/// </summary>
internal interface ILayoutTransform : IDisposable
{
    /// <summary>Transposes <paramref name="source"/> into <paramref name="destination"/> (both pinned by the caller, not overlapping).</summary>
    unsafe void Run(float* source, float* destination);
}
