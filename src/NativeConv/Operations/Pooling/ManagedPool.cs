using System.Numerics;
using System.Runtime.CompilerServices;

namespace NativeConv;

/// <summary>What a managed pool does with a window's taps: its seed, how a tap joins, how a window ends.</summary>
internal interface IPoolReduction
{
    static abstract Vector<float> Seed { get; }

    static abstract Vector<float> Join(Vector<float> sofar, Vector<float> tap);

    static abstract float Join(float sofar, float tap);

    /// <summary>Whether a NaN tap makes the window NaN whatever <see cref="Join(Vector{float}, Vector{float})"/> did with it (a max's fast instruction may drop it).</summary>
    static abstract bool FlagsNaN { get; }

    /// <summary>The window's result from its joined taps and its divisor.</summary>
    static abstract Vector<float> Finish(Vector<float> joined, Vector<float> divisor);

    /// <summary>What window (<paramref name="oy"/>, <paramref name="ox"/>) divides by (a max: none, 1).</summary>
    float Divisor(int oy, int ox);
}

/// <summary>
/// The managed pools over NHWC data: for each output pixel, the taps of its window inside the input (never the padding),
/// channels in vectors, four vectors at a time so their reductions overlap; the last one to three vectors in one more
/// pass, then channels one by one. Single-threaded: a pool is one pass over data in cache.
/// </summary>
internal static unsafe class ManagedPool
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<T>(float* input, float* output, in PoolGeometry g, T reduction) where T : struct, IPoolReduction
    {
        int c = g.Channels, width = Vector<float>.Count;
        PoolAxis rows = g.Rows, columns = g.Columns;
        long rowStride = (long)columns.In * c, tapRows = rows.Dilation * rowStride, tapColumns = (long)columns.Dilation * c;
        float* y = output;
        for (int n = 0; n < g.Batch; n++)
        {
            float* image = input + n * rows.In * rowStride;
            for (int oy = 0; oy < rows.Out; oy++)
            {
                var (top, bottom) = rows.Taps(oy);
                float* windowRow = image + (rows.Start(oy) + (long)top * rows.Dilation) * rowStride;
                for (int ox = 0; ox < columns.Out; ox++, y += c)
                {
                    var (left, right) = columns.Taps(ox);
                    float* window = windowRow + (columns.Start(ox) + (long)left * columns.Dilation) * c;
                    int height = bottom - top, span = right - left;
                    Vector<float> divisor = new(reduction.Divisor(oy, ox));
                    int j = 0;
                    for (; j <= c - 4 * width; j += 4 * width)
                    {
                        Vector<float> a0 = T.Seed, a1 = a0, a2 = a0, a3 = a0, n0 = default, n1 = default, n2 = default, n3 = default;
                        for (int ky = 0; ky < height; ky++)
                        {
                            float* x = window + ky * tapRows + j;
                            for (int kx = 0; kx < span; kx++, x += tapColumns)
                            {
                                Vector<float> t0 = Vector.Load(x), t1 = Vector.Load(x + width), t2 = Vector.Load(x + 2 * width), t3 = Vector.Load(x + 3 * width);
                                (a0, a1, a2, a3) = (T.Join(a0, t0), T.Join(a1, t1), T.Join(a2, t2), T.Join(a3, t3));
                                if (T.FlagsNaN) (n0, n1, n2, n3) = (n0 | Vector.IsNaN(t0), n1 | Vector.IsNaN(t1), n2 | Vector.IsNaN(t2), n3 | Vector.IsNaN(t3));
                            }
                        }
                        Result<T>(a0, n0, divisor).Store(y + j);
                        Result<T>(a1, n1, divisor).Store(y + j + width);
                        Result<T>(a2, n2, divisor).Store(y + j + 2 * width);
                        Result<T>(a3, n3, divisor).Store(y + j + 3 * width);
                    }
                    if ((c - j) / width is var rest and > 0)
                    {
                        // The last one to three vectors in one pass over the window (ShuffleNet's 24 channels: three).
                        Vector<float> a0 = T.Seed, a1 = a0, a2 = a0, n0 = default, n1 = default, n2 = default;
                        for (int ky = 0; ky < height; ky++)
                        {
                            float* x = window + ky * tapRows + j;
                            for (int kx = 0; kx < span; kx++, x += tapColumns)
                            {
                                Vector<float> t0 = Vector.Load(x);
                                a0 = T.Join(a0, t0);
                                if (T.FlagsNaN) n0 |= Vector.IsNaN(t0);
                                if (rest > 1)
                                {
                                    Vector<float> t1 = Vector.Load(x + width);
                                    a1 = T.Join(a1, t1);
                                    if (T.FlagsNaN) n1 |= Vector.IsNaN(t1);
                                }
                                if (rest > 2)
                                {
                                    Vector<float> t2 = Vector.Load(x + 2 * width);
                                    a2 = T.Join(a2, t2);
                                    if (T.FlagsNaN) n2 |= Vector.IsNaN(t2);
                                }
                            }
                        }
                        Result<T>(a0, n0, divisor).Store(y + j);
                        if (rest > 1) Result<T>(a1, n1, divisor).Store(y + j + width);
                        if (rest > 2) Result<T>(a2, n2, divisor).Store(y + j + 2 * width);
                        j += rest * width;
                    }
                    for (; j < c; j++)
                    {
                        float a = T.Seed[0];
                        for (int ky = 0; ky < height; ky++)
                        {
                            float* x = window + ky * tapRows + j;
                            for (int kx = 0; kx < span; kx++, x += tapColumns) a = T.Join(a, *x);
                        }
                        y[j] = T.Finish(new Vector<float>(a), divisor)[0];
                    }
                }
            }
        }
    }

    /// <summary>A window's vector from its joined taps, NaN in the lanes flagged (reductions that flag them).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> Result<T>(Vector<float> joined, Vector<float> nan, Vector<float> divisor) where T : struct, IPoolReduction
    {
        Vector<float> result = T.Finish(joined, divisor);
        return T.FlagsNaN ? Vector.ConditionalSelect(nan, new Vector<float>(float.NaN), result) : result;
    }
}
