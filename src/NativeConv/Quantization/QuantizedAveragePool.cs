using System.Numerics;

namespace NativeConv;

/// <summary>
/// The global average pool of a quantized network (ONNX QLinearGlobalAveragePool's meaning) over NHWC data:
/// per image and channel the exact integer sum S of its H·W values, then v = m·(S − H·W·zₓ) in float32 with
/// m = sₓ / (s_y · H·W) rounded to float32 once, y = clamp(round_half_even(v) + z_y). int8 data runs in the
/// uint8 domain (x ⊕ 0x80 = x + 128, zero points + 128). The sums are kept in a buffer made once per image size.
/// </summary>
internal sealed unsafe class QuantizedAveragePool
{
    private readonly QuantizationParameters _input, _output;
    private readonly int _shift;
    private readonly byte _flip;
    private uint[] _sums = [];

    public QuantizedAveragePool(QuantizationParameters input, QuantizationParameters output, bool signed)
    {
        (_input, _output) = (input, output);
        _shift = signed ? 128 : 0;
        _flip = signed ? (byte)0x80 : (byte)0;
    }

    /// <summary>Makes the sum buffer for <paramref name="channels"/>, so a call never allocates.</summary>
    public void Prepare(int channels)
    {
        if (_sums.Length < channels) _sums = new uint[channels];
    }

    /// <summary>x (N, H, W, C) → y (N, 1, 1, C).</summary>
    public void Run(byte* x, byte* y, TensorShape shape)
    {
        int c = shape.Channels, pixels = shape.Height * shape.Width;
        Span<uint> sums = _sums.AsSpan(0, c); // at most 2^24 pixels × 255: no overflow below 16M pixels
        float m = _input.Scale / (_output.Scale * pixels);
        int zx = _input.ZeroPoint + _shift, zy = _output.ZeroPoint + _shift;
        for (int n = 0; n < shape.Batch; n++)
        {
            sums.Clear();
            byte* image = x + (long)n * pixels * c;
            for (int p = 0; p < pixels; p++) Accumulate(image + (long)p * c, sums);
            byte* row = y + (long)n * c;
            for (int k = 0; k < c; k++)
            {
                float v = m * (float)((long)sums[k] - (long)pixels * zx);
                row[k] = (byte)(Math.Clamp((int)MathF.Round(v, MidpointRounding.ToEven) + zy, 0, 255) ^ _flip);
            }
        }
    }

    /// <summary>sums[k] += x[k] ⊕ flip, widened.</summary>
    private void Accumulate(byte* x, Span<uint> sums)
    {
        int i = 0, c = sums.Length;
        if (Vector.IsHardwareAccelerated)
        {
            var flip = new Vector<byte>(_flip);
            fixed (uint* s = sums)
                for (; i + Vector<byte>.Count <= c; i += Vector<byte>.Count)
                {
                    Vector.Widen(Vector.Load(x + i) ^ flip, out Vector<ushort> h0, out Vector<ushort> h1);
                    Vector.Widen(h0, out Vector<uint> q0, out Vector<uint> q1);
                    Vector.Widen(h1, out Vector<uint> q2, out Vector<uint> q3);
                    int step = Vector<uint>.Count;
                    (Vector.Load(s + i) + q0).Store(s + i);
                    (Vector.Load(s + i + step) + q1).Store(s + i + step);
                    (Vector.Load(s + i + 2 * step) + q2).Store(s + i + 2 * step);
                    (Vector.Load(s + i + 3 * step) + q3).Store(s + i + 3 * step);
                }
        }
        for (; i < c; i++) sums[i] += (uint)(x[i] ^ _flip);
    }
}
