namespace NativeConv;

/// <summary>
/// One thread's share of a batch whose images are shared between threads (<see cref="BatchMode.ImagesAcrossThreads"/>):
/// images [First, End) of every call's batch, image by image, on a program and buffers of its own (single-threaded native
/// state; disposed with the share).
/// </summary>
internal sealed unsafe class ImageShare(NetworkProgram program, ShapePlan image, int first, int end) : IDisposable
{
    /// <summary>Runs the share on the caller's pinned batch; with <paramref name="ticks"/>, adds each operation's time there (a profile).</summary>
    public void Run(TensorLayout layout, float* input, float* output, long[]? ticks) =>
        program.RunImages(image, layout, input, output, first, end, ticks);

    public void Dispose()
    {
        image.Dispose();
        program.Dispose();
    }
}
