using System.Diagnostics;
using NativeConv.Npy;

namespace NativeConv.Cli;

/// <summary>
/// `nativeconv run`: one convolution from NumPy files. The input is (N, C, H, W) for --layout nchw or
/// (N, H, W, C) for nhwc, or the same without N (unbatched, as PyTorch allows); the weights are in
/// PyTorch order (out, in/groups, kh, kw); the bias has `out` values. The output keeps the input's
/// layout and rank.
/// </summary>
internal static class RunCommand
{
    public static int Run(RunOptions options, TextWriter log)
    {
        NpyArray input = NpyFile.Read(options.Input);
        NpyArray weights = NpyFile.Read(options.Weights);
        NpyArray? bias = options.Bias is null ? null : NpyFile.Read(options.Bias);
        NpyArray output = Execute(options, input, weights, bias, log);
        NpyFile.Write(options.Output, output);
        log.WriteLine($"wrote {options.Output}: {NpyArray.Describe(output.Shape)} float32");
        return 0;
    }

    /// <summary>Checks every shape against the others, runs the convolution and returns the output array.</summary>
    public static NpyArray Execute(RunOptions options, NpyArray input, NpyArray weights, NpyArray? bias, TextWriter log)
    {
        if (input.Rank is not (3 or 4))
            throw new ArgumentException($"input {NpyArray.Describe(input.Shape)} must have 4 dimensions ({Axes(options.Layout, true)}) or 3 ({Axes(options.Layout, false)})", "--input");
        if (weights.Rank != 4)
            throw new ArgumentException($"weights {NpyArray.Describe(weights.Shape)} must have 4 dimensions (out, in/groups, kh, kw)", "--weights");
        bool batched = input.Rank == 4;
        int[] s = batched ? input.Shape : [1, .. input.Shape];
        (int batch, int channels, int height, int width) = options.Layout == TensorLayout.Nchw ? (s[0], s[1], s[2], s[3]) : (s[0], s[3], s[1], s[2]);
        int outChannels = weights.Shape[0], inPerGroup = weights.Shape[1];
        if (options.Groups < 1) throw new ArgumentException($"--groups must be at least 1, not {options.Groups}", "--groups");
        if ((long)inPerGroup * options.Groups != channels)
            throw new ArgumentException($"weights {NpyArray.Describe(weights.Shape)} with --groups {options.Groups} expect {(long)inPerGroup * options.Groups} " +
                $"input channels; input {NpyArray.Describe(input.Shape)} ({options.Layout}) has {channels}", "--weights");
        if (bias is not null && (bias.Rank != 1 || bias.Shape[0] != outChannels))
            throw new ArgumentException($"bias {NpyArray.Describe(bias.Shape)} must be ({outChannels},): one value per output channel of weights {NpyArray.Describe(weights.Shape)}", "--bias");

        var spec = new Conv2dSpec(channels, outChannels, new Size2D(weights.Shape[2], weights.Shape[3]), options.Stride, options.Padding,
            options.Dilation, options.Groups, bias is not null, options.Activation);
        ConvGeometry g = spec.Geometry(batch, height, width);

        using var backends = new ConvBackends(new NativeConvOptions { Threads = options.Threads });
        ConvBackend backend = BackendChoice.Choose(backends, options.Backend, log);
        using var layer = new Conv2dLayer(spec, weights.Data, bias is null ? [] : bias.Data, backend, options.Layout);
        var result = new float[g.OutputLength];
        var clock = Stopwatch.StartNew();
        layer.Forward(input.Data, result, batch, height, width);
        log.WriteLine($"{backend.Name} ({layer.ImplementationName}): {spec} on {batch}x{channels}x{height}x{width} ({options.Layout}) " +
                      $"in {clock.Elapsed.TotalMilliseconds:0.###} ms including first-shape setup");

        if (options.Check && backend.Name != ReferenceBackend.BackendName)
        {
            var expected = new float[g.OutputLength];
            using var reference = new Conv2dLayer(spec, weights.Data, bias is null ? [] : bias.Data, backends.Get(ReferenceBackend.BackendName), options.Layout);
            reference.Forward(input.Data, expected, batch, height, width);
            double max = 0;
            for (int i = 0; i < result.Length; i++) max = Math.Max(max, Math.Abs((double)result[i] - expected[i]));
            log.WriteLine($"check: max |{backend.Name} - reference| = {max:0.###e+0}");
        }

        int[] outShape = options.Layout == TensorLayout.Nchw
            ? [g.Batch, g.OutChannels, g.OutHeight, g.OutWidth]
            : [g.Batch, g.OutHeight, g.OutWidth, g.OutChannels];
        return new NpyArray(batched ? outShape : outShape[1..], result);
    }

    private static string Axes(TensorLayout layout, bool batched) =>
        (batched ? "N, " : "") + (layout == TensorLayout.Nchw ? "C, H, W" : "H, W, C");
}
