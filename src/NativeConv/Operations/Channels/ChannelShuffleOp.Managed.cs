using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace NativeConv;

internal sealed partial class ChannelShuffleOp
{
    /// <summary>
    /// Pixel by pixel: two groups (ShuffleNet v2's) interleave the two halves in vector registers; more groups gather
    /// each output channel from its group; a shuffle that moves nothing is one copy.
    /// </summary>
    public override OpKernel LowerManaged() => new ManagedKernel((op, shapes) => new Step((ChannelShuffleOp)op, shapes));

    private sealed unsafe class Step(ChannelShuffleOp op, OpShapes shapes) : OpStep(op, shapes)
    {
        private readonly int _groups = op.Groups;
        private readonly bool _identity = op.IsIdentity;

        public override string Implementation => _identity ? "copy (the shuffle moves nothing)"
            : _groups == 2 && (Sse.IsSupported || AdvSimd.Arm64.IsSupported) ? "vectorized C# (the two halves interleaved)" : "C# gather";

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
                else Gather(x, y, _groups, m);
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

        /// <summary>y[k·g + j] = x[j·m + k]: written in order, read from the g groups in turn.</summary>
        private static void Gather(float* x, float* y, int groups, int m)
        {
            for (int k = 0; k < m; k++, y += groups)
                for (int j = 0; j < groups; j++) y[j] = x[j * m + k];
        }
    }
}
