using System.Numerics;
using System.Numerics.Tensors;

namespace NativeConv;

/// <summary>
/// The small operations between convolutions, on NHWC data, vectorized (TensorPrimitives for a whole tensor,
/// plain vector loops where the work comes in rows of a few channels): neither library runs them inside a
/// convolution here, and each is one pass over memory that is in cache.
/// </summary>
internal static unsafe class NhwcOps
{
    /// <summary>destination = left + right (destination may be left).</summary>
    public static void Add(float* left, float* right, float* destination, int length) =>
        TensorPrimitives.Add(new ReadOnlySpan<float>(left, length), new ReadOnlySpan<float>(right, length), new Span<float>(destination, length));

    /// <summary>
    /// (N, H, W, C) → (N, 1, 1, C): each channel's sum over the H·W pixels, times 1 / (H·W). A vector of channels at a
    /// time, summed down the pixels in four interleaved partial sums held in registers (pixels p mod 4), so the adds
    /// overlap instead of waiting on each other; squeeze-and-excitation pools 16–960 channels, and a library call per
    /// row cost more than its additions (docs/benchmarks.md, Measured by hand: Global average pool, a library call per
    /// row).
    /// </summary>
    public static void GlobalAveragePool(float* input, float* output, TensorShape shape)
    {
        int c = shape.Channels, pixels = shape.Height * shape.Width, width = Vector<float>.Count;
        float scale = 1f / pixels;
        for (int n = 0; n < shape.Batch; n++)
        {
            float* sum = output + (long)n * c;
            float* image = input + (long)n * pixels * c;
            int j = 0;
            for (; j <= c - width; j += width)
            {
                Vector<float> a0 = Vector<float>.Zero, a1 = a0, a2 = a0, a3 = a0;
                float* x = image + j;
                int p = 0;
                for (; p <= pixels - 4; p += 4, x += 4L * c)
                {
                    a0 += Vector.Load(x);
                    a1 += Vector.Load(x + c);
                    a2 += Vector.Load(x + 2L * c);
                    a3 += Vector.Load(x + 3L * c);
                }
                for (; p < pixels; p++, x += c) a0 += Vector.Load(x);
                ((a0 + a1 + (a2 + a3)) * scale).Store(sum + j);
            }
            for (; j < c; j++)
            {
                float total = 0;
                for (int p = 0; p < pixels; p++) total += image[(long)p * c + j];
                sum[j] = total * scale;
            }
        }
    }

    /// <summary>output[n, y, x, c] = input[n, y, x, c] · scale[n, c] (output may be input), row by row in plain vector loops.</summary>
    public static void ChannelScale(float* input, float* scale, float* output, TensorShape shape)
    {
        int c = shape.Channels, pixels = shape.Height * shape.Width;
        for (int n = 0; n < shape.Batch; n++)
        {
            float* s = scale + (long)n * c;
            for (int p = 0; p < pixels; p++)
            {
                long offset = ((long)n * pixels + p) * c;
                float* x = input + offset, y = output + offset;
                int i = 0;
                for (; i <= c - Vector<float>.Count; i += Vector<float>.Count)
                    (Vector.Load(x + i) * Vector.Load(s + i)).Store(y + i);
                for (; i < c; i++) y[i] = x[i] * s[i];
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
