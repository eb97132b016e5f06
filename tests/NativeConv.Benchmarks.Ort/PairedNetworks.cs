using Microsoft.ML.OnnxRuntime;

namespace NativeConv.Benchmarks.Ort;

/// <summary>
/// --paired: the ONNX model's network in NativeConv (the name, layout and batch export_onnx.py records; seeded random
/// weights, as `net bench` takes them: the time does not depend on the values), planned over both libraries as
/// `net bench --backend auto` does, then both timed in this process in alternating blocks.
/// </summary>
internal static class PairedNetworks
{
    public static PairedResult Measure(BoundSession session, RunnerOptions options)
    {
        var metadata = session.CustomMetadata;
        string model = metadata.TryGetValue("nativeconv.model", out string? m) ? m : throw new ArgumentException("--paired needs a model written by export_onnx.py (nativeconv.model metadata)");
        string layoutName = metadata.GetValueOrDefault("nativeconv.layout", "nchw");
        TensorLayout layout = layoutName == "nhwc" ? TensorLayout.Nhwc : TensorLayout.Nchw;
        MobileNetModel network = MobileNets.Parse(model);
        var (channels, height, width) = MobileNets.InputSize(network);
        int batch = (int)session.InputShape[0];

        using var backends = new ConvBackends(new NativeConvOptions { Threads = options.Threads });
        using ConvNetwork ours = MobileNets.Create(network, new RandomStateDict(0), backends, layout);
        var shape = new TensorShape(batch, channels, height, width);
        using var input = new AlignedFloatBuffer(shape.Length);
        using var output = new AlignedFloatBuffer(ours.OutputShape(shape).Length);
        var random = new Random(0);
        Span<float> x = input.Span;
        for (int i = 0; i < x.Length; i++) x[i] = (float)(random.NextDouble() * 2 - 1);
        void RunOurs() => ours.Forward(input.Span, output.Span, batch, height, width);
        RunOurs(); // plans: the candidates measured here, ONNX Runtime idle
        string plan = ours.PlanFor(batch, height, width)!.Chosen;

        PairedTiming timing = PairedTiming.Measure(RunOurs, session.Run, options.Pairs, options.MinMilliseconds);
        double[] ratios = timing.Ratios;
        return new PairedResult(model, layoutName, batch, options.Threads, options.Pairs, plan,
            Math.Round(PairedTiming.Median(timing.FirstMicroseconds), 1), Math.Round(PairedTiming.Median(timing.SecondMicroseconds), 1),
            Math.Round(PairedTiming.Median(ratios), 4), Math.Round(ratios.Min(), 4), Math.Round(ratios.Max(), 4), OrtEnv.Instance().GetVersionString());
    }
}
