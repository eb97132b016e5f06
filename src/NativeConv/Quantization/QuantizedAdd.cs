using System.Numerics;

namespace NativeConv;

/// <summary>
/// The residual add of a quantized network (ONNX QLinearAdd's meaning), with one rounding rule written out:
/// v = mₐ·(a − zₐ) + m_b·(b − z_b) in float32, mₐ = sₐ / s_y and m_b = s_b / s_y rounded to float32 once,
/// each product and the sum rounded to float32 (no fused multiply-add), then y = clamp(round_half_even(v) + z_y).
/// The vectorized path computes exactly these operations, so every element equals the scalar rule. int8 data
/// runs in the uint8 domain (x ⊕ 0x80 = x + 128, zero points + 128: differences unchanged).
/// </summary>
internal sealed unsafe class QuantizedAdd
{
    private readonly float _left, _right; // mₐ, m_b
    private readonly int _leftZero, _rightZero, _outputZero; // in the uint8 domain
    private readonly byte _flip;

    public QuantizedAdd(QuantizationParameters left, QuantizationParameters right, QuantizationParameters output, bool signed)
    {
        _left = left.Scale / output.Scale;
        _right = right.Scale / output.Scale;
        int shift = signed ? 128 : 0;
        (_leftZero, _rightZero, _outputZero) = (left.ZeroPoint + shift, right.ZeroPoint + shift, output.ZeroPoint + shift);
        _flip = signed ? (byte)0x80 : (byte)0;
    }

    /// <summary>y = a + b in the output's parameters, <paramref name="length"/> elements; y may be a or b.</summary>
    public void Run(byte* a, byte* b, byte* y, long length)
    {
        long i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var flip = new Vector<byte>(_flip);
            var ma = new Vector<float>(_left);
            var mb = new Vector<float>(_right);
            var za = new Vector<float>(_leftZero);
            var zb = new Vector<float>(_rightZero);
            var zy = new Vector<int>(_outputZero);
            var low = Vector<int>.Zero;
            var high = new Vector<int>(255);
            for (; i + Vector<byte>.Count <= length; i += Vector<byte>.Count)
            {
                Vector.Widen(Vector.Load(a + i) ^ flip, out Vector<ushort> a0, out Vector<ushort> a1);
                Vector.Widen(Vector.Load(b + i) ^ flip, out Vector<ushort> b0, out Vector<ushort> b1);
                Vector<ushort> y0 = Vector.Narrow(Quarter(a0, b0, true), Quarter(a0, b0, false));
                Vector<ushort> y1 = Vector.Narrow(Quarter(a1, b1, true), Quarter(a1, b1, false));
                (Vector.Narrow(y0, y1) ^ flip).Store(y + i);
            }

            Vector<uint> Quarter(Vector<ushort> x, Vector<ushort> z, bool lower)
            {
                Vector.Widen(x, out Vector<uint> x0, out Vector<uint> x1);
                Vector.Widen(z, out Vector<uint> z0, out Vector<uint> z1);
                Vector<float> fx = Vector.ConvertToSingle(Vector.AsVectorInt32(lower ? x0 : x1));
                Vector<float> fz = Vector.ConvertToSingle(Vector.AsVectorInt32(lower ? z0 : z1));
                Vector<float> v = ma * (fx - za) + mb * (fz - zb);
                Vector<int> q = Vector.ConvertToInt32(Vector.Round(v)) + zy;
                return Vector.AsVectorUInt32(Vector.Min(Vector.Max(q, low), high));
            }
        }
        for (; i < length; i++)
        {
            float v = _left * ((a[i] ^ _flip) - _leftZero) + _right * ((b[i] ^ _flip) - _rightZero);
            int q = (int)MathF.Round(v, MidpointRounding.ToEven) + _outputZero;
            y[i] = (byte)(Math.Clamp(q, 0, 255) ^ _flip);
        }
    }
}
