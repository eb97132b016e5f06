using Xunit;

namespace NativeConv.Tests;

public class AlignedFloatBufferTests
{
    [Fact]
    public unsafe void Buffers_are_64_byte_aligned_zeroed_and_unusable_after_dispose()
    {
        var buffer = new AlignedFloatBuffer(1000);
        fixed (float* p = buffer.Span) Assert.Equal(0, (nint)p % 64);
        Assert.Equal(1000, buffer.Span.Length);
        Assert.True(buffer.Span.ToArray().All(v => v == 0));
        buffer.Dispose();
        buffer.Dispose();
        Assert.Throws<ObjectDisposedException>(() => buffer.Span.Length);
    }
}
