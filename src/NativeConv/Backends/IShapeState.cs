namespace NativeConv;

/// <summary>
/// What a native kernel made for one input shape (N, H, W): its primitive or operator, buffers and
/// workspace, made once from the kernel's recipe. It receives everything it needs when it is made and
/// never reaches back into the kernel.
/// </summary>
internal interface IShapeState : IDisposable
{
    /// <summary>The implementation that runs this shape, e.g. oneDNN's <c>brgconv_1x1:avx512_core</c>.</summary>
    string ImplementationName { get; }

    /// <summary>Runs on the caller's buffers, pinned by the caller for the call, of the shape's exact lengths.</summary>
    unsafe void Execute(float* input, float* output);
}
