namespace NativeConv;

/// <summary>
/// A batch of matrices transposed, (N, A, B) → (N, B, A) over 4-byte (float) or 1-byte (int8/uint8)
/// elements: NCHW ↔ NHWC at a network's edges, made once per shape: a library's on the threads of the first (or
/// last) convolution (oneDNN's reorder, XNNPACK's transpose) or <see cref="NhwcOps.Transpose"/>, whichever measured
/// fastest (<see cref="FastestLayoutTransform"/>).
/// </summary>
internal interface ILayoutTransform : IDisposable
{
    /// <summary>Transposes <paramref name="source"/> into <paramref name="destination"/> (both pinned by the caller, not overlapping).</summary>
    unsafe void Run(void* source, void* destination);
}
