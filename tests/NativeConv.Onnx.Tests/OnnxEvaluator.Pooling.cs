using Onnx;

namespace NativeConv.Onnx.Tests;

/// <summary>
/// MaxPool and AveragePool (2-D) from the ONNX specification: each window's taps inside the input, padding never one of
/// them. Output size: auto_pad SAME ⌈in / stride⌉ (the odd pad after for SAME_UPPER, before for SAME_LOWER), VALID
/// ⌊(in − span) / stride⌋ + 1, explicit pads ⌊ or ⌈(in + pads − span) / stride⌉ + 1, ceil mode dropping a last window
/// that starts in the end padding (onnx#5741). count_include_pad divides by the window clipped to the padded input
/// (ONNX Runtime's pool kernels), else by the taps inside the input.
/// </summary>
internal static partial class OnnxEvaluator
{
    private static DoubleTensor Pool(NodeProto n, DoubleTensor x)
    {
        bool max = n.OpType == "MaxPool", ceil = I(n, "ceil_mode", 0) != 0, includePad = I(n, "count_include_pad", 0) != 0;
        long[] k = Ints(n, "kernel_shape")!, s = Ints(n, "strides") ?? [1, 1], d = Ints(n, "dilations") ?? [1, 1], p = Ints(n, "pads") ?? [0, 0, 0, 0];
        string auto = A(n, "auto_pad")?.S.ToStringUtf8() ?? "NOTSET";
        long N = x.Dims[0], C = x.Dims[1], H = x.Dims[2], W = x.Dims[3];
        long[] size = [H, W], output = new long[2], begin = new long[2], end = new long[2];
        for (int a = 0; a < 2; a++)
        {
            long span = (k[a] - 1) * d[a] + 1;
            if (auto is "SAME_UPPER" or "SAME_LOWER")
            {
                output[a] = (size[a] + s[a] - 1) / s[a];
                long total = Math.Max((output[a] - 1) * s[a] + span - size[a], 0);
                begin[a] = auto == "SAME_UPPER" ? total / 2 : total - total / 2;
                end[a] = total - begin[a];
            }
            else if (auto == "VALID")
            {
                output[a] = (size[a] - span) / s[a] + 1;
            }
            else
            {
                (begin[a], end[a]) = (p[a], p[a + 2]);
                long room = size[a] + begin[a] + end[a] - span;
                output[a] = (ceil ? (room + s[a] - 1) / s[a] : room / s[a]) + 1;
                if (ceil && (output[a] - 1) * s[a] >= size[a] + begin[a]) output[a]--;
            }
        }
        var y = new double[N * C * output[0] * output[1]];
        for (long i = 0; i < N * C; i++)
            for (long oy = 0; oy < output[0]; oy++)
                for (long ox = 0; ox < output[1]; ox++)
                {
                    long y0 = oy * s[0] - begin[0], x0 = ox * s[1] - begin[1];
                    double best = double.NegativeInfinity, sum = 0;
                    long taps = 0;
                    for (long ky = 0; ky < k[0]; ky++)
                        for (long kx = 0; kx < k[1]; kx++)
                        {
                            long iy = y0 + ky * d[0], ix = x0 + kx * d[1];
                            if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
                            double v = x.Values[(i * H + iy) * W + ix];
                            best = Math.Max(best, v);
                            sum += v;
                            taps++;
                        }
                    long divisor = includePad
                        ? (Math.Min(y0 + k[0], H + end[0]) - y0) * (Math.Min(x0 + k[1], W + end[1]) - x0)
                        : taps;
                    y[(i * output[0] + oy) * output[1] + ox] = max ? best : sum / divisor;
                }
        return new DoubleTensor([N, C, output[0], output[1]], y);
    }
}
