namespace NativeConv;

/// <summary>The transpose in tiles on the calling thread: for backends without one of their own.</summary>
internal sealed class ManagedLayoutTransform(int batch, int rows, int columns, int elementBytes = sizeof(float)) : ILayoutTransform
{
    public unsafe void Run(void* source, void* destination)
    {
        if (elementBytes == 1) ByteBlockTranspose.Transpose((byte*)source, (byte*)destination, batch, rows, columns);
        else NhwcOps.Transpose((float*)source, (float*)destination, batch, rows, columns);
    }

    public void Dispose()
    {
    }
}
