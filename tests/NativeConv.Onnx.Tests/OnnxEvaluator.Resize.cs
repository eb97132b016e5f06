using Onnx;

namespace NativeConv.Onnx.Tests;

/// <summary>
/// Resize (opsets 11 to 18) and Upsample from the ONNX specification, in double: output size ⌊in × scale⌋ or the sizes
/// given (then scale = out / in); each output coordinate mapped back by coordinate_transformation_mode with that scale;
/// nearest rounds it by nearest_mode, linear interpolates between its neighbours on every resized axis (the source
/// coordinate clamped to [0, in − 1], as ONNX Runtime does); either reads clamped indices. Upsample: asymmetric
/// coordinates, nearest by ⌊x⌋ (ONNX Runtime's).
/// </summary>
internal static partial class OnnxEvaluator
{
    private static DoubleTensor Resize(NodeProto n, DoubleTensor x, DoubleTensor? scales, DoubleTensor? sizes)
    {
        long[] axes = Ints(n, "axes")?.Select(a => a < 0 ? a + 4 : a).ToArray() ?? [0, 1, 2, 3];
        double[] scale = [1, 1, 1, 1];
        long[] output = x.Dims.ToArray();
        for (int i = 0; i < axes.Length; i++)
        {
            long a = axes[i];
            if (sizes is { Count: > 0 })
            {
                output[a] = (long)sizes.Values[i];
                scale[a] = (double)output[a] / x.Dims[a];
            }
            else
            {
                scale[a] = scales!.Values[i];
                output[a] = (long)Math.Floor(x.Dims[a] * scale[a]);
            }
        }
        string mode = A(n, "mode")?.S.ToStringUtf8() ?? "nearest";
        string coordinates = A(n, "coordinate_transformation_mode")?.S.ToStringUtf8() ?? "half_pixel";
        string nearest = A(n, "nearest_mode")?.S.ToStringUtf8() ?? "round_prefer_floor";
        return Interpolate(x, output, scale, coordinates, mode == "linear", nearest);
    }

    private static DoubleTensor Upsample(NodeProto n, DoubleTensor x, DoubleTensor? scales)
    {
        double[] scale = A(n, "scales") is { } attribute ? attribute.Floats.Select(v => (double)v).ToArray() : scales!.Values;
        long[] output = x.Dims.Select((d, a) => (long)Math.Floor(d * scale[a])).ToArray();
        string mode = A(n, "mode")?.S.ToStringUtf8() ?? "nearest";
        return Interpolate(x, output, scale, "asymmetric", mode is "linear" or "bilinear", "floor");
    }

    /// <summary>The source coordinate of output <paramref name="o"/> along an axis of <paramref name="input"/> → <paramref name="output"/>.</summary>
    private static double Source(string coordinates, long o, double scale, long input, long output) => coordinates switch
    {
        "half_pixel" => (o + 0.5) / scale - 0.5,
        "pytorch_half_pixel" => output > 1 ? (o + 0.5) / scale - 0.5 : 0,
        "align_corners" => output == 1 ? 0 : o * (input - 1.0) / (output - 1),
        "asymmetric" => o / scale,
        _ => throw new NotSupportedException($"evaluator: coordinate_transformation_mode {coordinates}"),
    };

    private static DoubleTensor Interpolate(DoubleTensor x, long[] output, double[] scale, string coordinates, bool linear, string nearest)
    {
        long[] input = x.Dims;
        // Per axis and output index: the taps (input index, weight).
        var taps = new (long Index, double Weight)[4][][];
        for (int a = 0; a < 4; a++)
        {
            taps[a] = new (long, double)[output[a]][];
            for (long o = 0; o < output[a]; o++)
            {
                double c = Source(coordinates, o, scale[a], input[a], output[a]);
                if (linear)
                {
                    c = Math.Clamp(c, 0, input[a] - 1);
                    long lo = (long)Math.Floor(c), hi = Math.Min(lo + 1, input[a] - 1);
                    taps[a][o] = [(lo, 1 - (c - lo)), (hi, c - lo)];
                }
                else
                {
                    double r = nearest switch
                    {
                        "floor" => Math.Floor(c),
                        "ceil" => Math.Ceiling(c),
                        "round_prefer_ceil" => Math.Floor(c + 0.5),
                        _ => Math.Ceiling(c - 0.5),
                    };
                    taps[a][o] = [((long)Math.Clamp(r, 0, input[a] - 1), 1)];
                }
            }
        }
        var y = new double[output.Aggregate(1L, (p, v) => p * v)];
        long i = 0;
        for (long b = 0; b < output[0]; b++)
            for (long ch = 0; ch < output[1]; ch++)
                for (long oy = 0; oy < output[2]; oy++)
                    for (long ox = 0; ox < output[3]; ox++)
                    {
                        double sum = 0;
                        foreach (var (ib, wb) in taps[0][b])
                            foreach (var (ic, wc) in taps[1][ch])
                                foreach (var (iy, wy) in taps[2][oy])
                                    foreach (var (ix, wx) in taps[3][ox])
                                        sum += wb * wc * wy * wx * x.Values[((ib * input[1] + ic) * input[2] + iy) * input[3] + ix];
                        y[i++] = sum;
                    }
        return new DoubleTensor(output, y);
    }
}
