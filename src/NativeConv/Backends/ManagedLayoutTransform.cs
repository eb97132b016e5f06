namespace NativeConv;

/// <summary>The transpose in tiles on the calling thread: for backends without one of their own.</summary>
internal sealed class ManagedLayoutTransform(int batch, int rows, int columns) : ILayoutTransform
{
    public unsafe void Run(float* source, float* destination) => NhwcOps.Transpose(source, destination, batch, rows, columns);

    public void Dispose()
    {
    }
}
