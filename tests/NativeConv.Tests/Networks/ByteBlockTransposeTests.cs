using Xunit;

namespace NativeConv.Tests;

/// <summary>The 16x16-block byte transpose: exactly the index transpose for whole blocks and every edge, nothing written past the output, the input untouched.</summary>
public unsafe class ByteBlockTransposeTests
{
    [SkippableTheory]
    [InlineData(1, 16, 16)]
    [InlineData(1, 32, 112 * 112)] // MobileNet v1's body in (NCHW -> NHWC)
    [InlineData(1, 7 * 7, 1024)] // and out (NHWC -> NCHW)
    [InlineData(2, 17, 33)] // an edge row and an edge column past the blocks
    [InlineData(2, 31, 16)]
    [InlineData(3, 16, 47)]
    public void Equals_the_transpose_by_index(int batch, int rows, int columns)
    {
        Skip.IfNot(ByteBlockTranspose.Suits(rows, columns), "needs SSE2 (x86)");
        var x = new byte[batch * rows * columns];
        new Random(rows * columns).NextBytes(x);
        byte[] original = x.ToArray();
        var y = new byte[x.Length + 32];
        Array.Fill(y, (byte)0xA5);
        fixed (byte* px = x)
        fixed (byte* py = y)
        {
            using var transform = new ByteBlockTranspose(batch, rows, columns);
            transform.Run(px, py);
        }
        for (int n = 0; n < batch; n++)
            for (int r = 0; r < rows; r++)
                for (int c = 0; c < columns; c++)
                    Assert.Equal(x[(n * rows + r) * columns + c], y[(n * columns + c) * rows + r]);
        Assert.All(y[x.Length..], v => Assert.Equal(0xA5, v));
        Assert.Equal(original, x);
    }

    [Theory]
    [InlineData(1, 3, 50)] // an RGB image's planes: interleaved where the CPU has SSSE3
    [InlineData(1, 5, 50)] // fewer rows than a block: copied one by one
    [InlineData(2, 40, 8)]
    [InlineData(2, 48, 20)] // in blocks where the CPU has them
    public void The_static_transpose_takes_any_shape(int batch, int rows, int columns)
    {
        var x = new byte[batch * rows * columns];
        new Random(rows + columns).NextBytes(x);
        var y = new byte[x.Length + 16];
        fixed (byte* px = x)
        fixed (byte* py = y)
            ByteBlockTranspose.Transpose(px, py, batch, rows, columns);
        for (int n = 0; n < batch; n++)
            for (int r = 0; r < rows; r++)
                for (int c = 0; c < columns; c++)
                    Assert.Equal(x[(n * rows + r) * columns + c], y[(n * columns + c) * rows + r]);
        Assert.All(y[x.Length..], v => Assert.Equal(0, v));
    }

    [Fact]
    public void Matrices_smaller_than_a_block_are_left_to_the_backend()
    {
        Assert.False(ByteBlockTranspose.Suits(4, 224 * 224));
        Assert.False(ByteBlockTranspose.Suits(64, 15));
    }

    [SkippableTheory]
    [InlineData(1, 1)]
    [InlineData(1, 15)]
    [InlineData(1, 16)]
    [InlineData(2, 17)]
    [InlineData(2, 47)]
    [InlineData(1, 224 * 224)] // an RGB image
    public void Three_planes_interleave_as_the_transpose_by_index(int batch, int pixels)
    {
        Skip.IfNot(ByteBlockTranspose.Suits(3, pixels), "needs SSSE3 (x86)");
        var x = new byte[batch * 3 * pixels];
        new Random(pixels).NextBytes(x);
        var y = new byte[x.Length + 48];
        Array.Fill(y, (byte)0x5A);
        fixed (byte* px = x)
        fixed (byte* py = y)
        {
            using var transform = new ByteBlockTranspose(batch, 3, pixels);
            transform.Run(px, py);
        }
        for (int n = 0; n < batch; n++)
            for (int c = 0; c < 3; c++)
                for (int p = 0; p < pixels; p++)
                    Assert.Equal(x[(n * 3 + c) * pixels + p], y[(n * pixels + p) * 3 + c]);
        Assert.All(y[x.Length..], v => Assert.Equal(0x5A, v));
    }
}
