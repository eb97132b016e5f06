using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace NativeConv;

internal sealed partial class ChannelShuffleOp
{
    /// <summary>
    /// Pixel by pixel, each pixel's (g, C/g) channels transposed in vector registers: two groups (ShuffleNet v2's) as an
    /// interleave of the two halves, three as 3x4 blocks, four or more as 4x4 blocks; a shuffle that moves nothing is one copy.
    /// </summary>
    public override OpKernel LowerManaged() => new ManagedKernel((op, shapes) => new Step((ChannelShuffleOp)op, shapes));

    private sealed unsafe class Step(ChannelShuffleOp op, OpShapes shapes) : OpStep(op, shapes)
    {
        private readonly int _groups = op.Groups;
        private readonly bool _identity = op.IsIdentity;

        public override string Implementation => _identity ? "copy (the shuffle moves nothing)"
            : _groups == 2 && (Sse.IsSupported || AdvSimd.Arm64.IsSupported) ? "vectorized C# (the two halves interleaved)"
            : Sse.IsSupported ? "vectorized C# (4x4 transposes)" : "C# gather";

        public override void Run(float** values)
        {
            TensorShape s = Shapes.Input;
            float* x = values[Inputs[0]], y = values[Outputs[0]];
            if (_identity)
            {
                long bytes = (long)s.Length * sizeof(float);
                Buffer.MemoryCopy(x, y, bytes, bytes);
                return;
            }
            int c = s.Channels, m = c / _groups;
            long pixels = (long)s.Batch * s.Height * s.Width;
            for (long p = 0; p < pixels; p++, x += c, y += c)
            {
                if (_groups == 2) Interleave(x, x + m, y, m);
                else Transpose(x, y, _groups, m);
            }
        }

        /// <summary>y[2k] = a[k], y[2k + 1] = b[k] for k &lt; m.</summary>
        private static void Interleave(float* a, float* b, float* y, int m)
        {
            int k = 0;
            if (Avx.IsSupported)
            {
                for (; k <= m - 8; k += 8)
                {
                    var va = Avx.LoadVector256(a + k);
                    var vb = Avx.LoadVector256(b + k);
                    var low = Avx.UnpackLow(va, vb); // a0 b0 a1 b1 | a4 b4 a5 b5
                    var high = Avx.UnpackHigh(va, vb); // a2 b2 a3 b3 | a6 b6 a7 b7
                    Avx.Store(y + 2 * k, Avx.Permute2x128(low, high, 0x20));
                    Avx.Store(y + 2 * k + 8, Avx.Permute2x128(low, high, 0x31));
                }
            }
            if (Sse.IsSupported)
            {
                for (; k <= m - 4; k += 4)
                {
                    var va = Sse.LoadVector128(a + k);
                    var vb = Sse.LoadVector128(b + k);
                    Sse.Store(y + 2 * k, Sse.UnpackLow(va, vb));
                    Sse.Store(y + 2 * k + 4, Sse.UnpackHigh(va, vb));
                }
            }
            else if (AdvSimd.Arm64.IsSupported)
            {
                for (; k <= m - 4; k += 4)
                {
                    var va = AdvSimd.LoadVector128(a + k);
                    var vb = AdvSimd.LoadVector128(b + k);
                    AdvSimd.Store(y + 2 * k, AdvSimd.Arm64.ZipLow(va, vb));
                    AdvSimd.Store(y + 2 * k + 4, AdvSimd.Arm64.ZipHigh(va, vb));
                }
            }
            for (; k < m; k++)
            {
                y[2 * k] = a[k];
                y[2 * k + 1] = b[k];
            }
        }

        /// <summary>
        /// y[k·g + j] = x[j·m + k] for g ≥ 3, in blocks of 4 channels of each group: 4 groups at a time transposed 4x4 (the
        /// last block overlapping the one before it where 4 does not divide g); 3 groups as a 4x4 transpose whose fourth row
        /// is never read, each 4-wide store spilling one float onto the next output channel, which a later store writes
        /// (so the blocks stop one channel short of m). Channels left over are gathered one by one.
        /// </summary>
        private static void Transpose(float* x, float* y, int g, int m)
        {
            int k = 0;
            if (Sse.IsSupported && g >= 4)
            {
                for (; k <= m - 4; k += 4)
                {
                    for (int j = 0; j < g; j += 4) Block(x + Math.Min(j, g - 4) * m + k, m, y + k * g + Math.Min(j, g - 4), g, 4);
                }
            }
            else if (Sse.IsSupported && g == 3)
            {
                for (; k < m - 4; k += 4) Block(x + k, m, y + k * 3, 3, 3);
            }
            for (; k < m; k++)
                for (int j = 0; j < g; j++) y[k * g + j] = x[j * m + k];
        }

        /// <summary>Rows r (of <paramref name="rows"/>, 3 or 4) of 4 floats, <paramref name="m"/> apart, stored as 4 columns of 4 floats, <paramref name="g"/> apart.</summary>
        private static void Block(float* source, int m, float* destination, int g, int rows)
        {
            Vector128<float> r0 = Sse.LoadVector128(source), r1 = Sse.LoadVector128(source + m), r2 = Sse.LoadVector128(source + 2 * m);
            Vector128<float> r3 = rows == 4 ? Sse.LoadVector128(source + 3 * m) : r2;
            Vector128<float> t0 = Sse.UnpackLow(r0, r1), t1 = Sse.UnpackLow(r2, r3), t2 = Sse.UnpackHigh(r0, r1), t3 = Sse.UnpackHigh(r2, r3);
            Sse.Store(destination, Sse.MoveLowToHigh(t0, t1));
            Sse.Store(destination + g, Sse.MoveHighToLow(t1, t0));
            Sse.Store(destination + 2 * g, Sse.MoveLowToHigh(t2, t3));
            Sse.Store(destination + 3 * g, Sse.MoveHighToLow(t3, t2));
        }
    }
}
