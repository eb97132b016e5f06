namespace NativeConv;

/// <summary>(N, A, B) → (N, B, A) over bytes, in tiles: NCHW ↔ NHWC for quantized data.</summary>
internal static unsafe class ByteTranspose
{
    public static void Run(byte* source, byte* destination, int batch, int rows, int columns)
    {
        const int Tile = 64;
        long plane = (long)rows * columns;
        for (int n = 0; n < batch; n++)
        {
            byte* src = source + n * plane, dst = destination + n * plane;
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
