namespace NativeConv;

/// <summary>
/// XNNPACK may read up to XNN_EXTRA_BYTES past the end of an input. Memory is mapped in whole pages,
/// so the read is safe exactly when those bytes lie on the same page as the input's last byte. When
/// they do not, the input is first copied into a buffer that has the slack (rare: about 16 in 4096
/// buffer ends).
/// </summary>
internal static class XnnpackInputTail
{
    private const int PageSize = 4096; // the smallest page size of every supported platform

    /// <summary>The input itself when XNNPACK may over-read it safely, else a copy in <paramref name="slack"/> (made on first need).</summary>
    public static unsafe float* Readable(float* input, int length, ref NativeFloatBuffer? slack)
    {
        if (IsReadable(input, length)) return input;
        slack ??= new NativeFloatBuffer(length);
        new ReadOnlySpan<float>(input, length).CopyTo(new Span<float>(slack.Pointer, length));
        return slack.Pointer;
    }

    public static unsafe bool IsReadable(float* input, int length) => IsReadable(input, (long)length * sizeof(float));

    public static unsafe bool IsReadable(void* input, long bytes)
    {
        nuint end = (nuint)input + (nuint)bytes; // one past the last byte
        nuint lastByte = end - 1;
        nuint lastRead = end + (nuint)Interop.Xnnpack.Xnn.XNN_EXTRA_BYTES - 1;
        return lastByte / PageSize == lastRead / PageSize;
    }
}
