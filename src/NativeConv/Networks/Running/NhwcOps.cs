using System.Numerics.Tensors;

namespace NativeConv;

/// <summary>
/// The small operations between convolutions, on NHWC data, vectorized with TensorPrimitives: neither
/// library runs them inside a convolution here, and each is one pass over memory that is in cache.
/// </summary>
internal static unsafe class NhwcOps
{
    /// <summary>destination = left + right (destination may be left).</summary>
    public static void Add(float* left, float* right, float* destination, int length) =>
        TensorPrimitives.Add(new ReadOnlySpan<float>(left, length), new ReadOnlySpan<float>(right, length), new Span<float>(destination, length));

    /// <summary>(N, H, W, C) → (N, 1, 1, C): the sum of the H·W rows, times 1 / (H·W).</summary>
    public static void GlobalAveragePool(float* input, float* output, TensorShape shape)
    {
        int c = shape.Channels, pixels = shape.Height * shape.Width;
        for (int n = 0; n < shape.Batch; n++)
        {
            var sum = new Span<float>(output + (long)n * c, c);
            float* image = input + (long)n * pixels * c;
            new ReadOnlySpan<float>(image, c).CopyTo(sum);
            for (int p = 1; p < pixels; p++) TensorPrimitives.Add(new ReadOnlySpan<float>(image + (long)p * c, c), sum, sum);
            TensorPrimitives.Multiply(sum, 1f / pixels, sum);
        }
    }

    /// <summary>output[n, y, x, c] = input[n, y, x, c] · scale[n, c] (output may be input).</summary>
    public static void ChannelScale(float* input, float* scale, float* output, TensorShape shape)
    {
        int c = shape.Channels, pixels = shape.Height * shape.Width;
        for (int n = 0; n < shape.Batch; n++)
        {
            var s = new ReadOnlySpan<float>(scale + (long)n * c, c);
            for (int p = 0; p < pixels; p++)
            {
                long offset = ((long)n * pixels + p) * c;
                TensorPrimitives.Multiply(new ReadOnlySpan<float>(input + offset, c), s, new Span<float>(output + offset, c));
            }
        }
    }

    /// <summary>(N, A, B) → (N, B, A) in tiles that stay in cache: NCHW ↔ NHWC at a network's edges, for floats or quantized bytes.</summary>
    public static void Transpose<T>(T* source, T* destination, int batch, int rows, int columns) where T : unmanaged
    {
        const int Tile = 32;
        long plane = (long)rows * columns;
        for (int n = 0; n < batch; n++)
        {
            T* src = source + n * plane, dst = destination + n * plane;
            for (int r0 = 0; r0 < rows; r0 += Tile)
            for (int c0 = 0; c0 < columns; c0 += Tile)
            {
                int r1 = Math.Min(r0 + Tile, rows), c1 = Math.Min(c0 + Tile, columns);
                for (int r = r0; r < r1; r++)
                for (int c = c0; c < c1; c++)
                    dst[(long)c * rows + r] = src[(long)r * columns + c];
            }
        }
    }
}
