using System.Globalization;
using System.Text.Json;

namespace NativeConv.Cli;

/// <summary>
/// `nativeconv net bench`: a whole MobileNet (seeded random weights unless --weights) on seeded random
/// input of batch N at its defined size, in 64-byte aligned buffers; the median µs per call after a
/// warm-up (first-shape setup excluded), and images per second.
/// </summary>
internal static class NetBenchCommand
{
    public static int Run(NetOptions options, TextWriter output, TextWriter log)
    {
        if (options.Whole && options.Precision != "fp32") throw new ArgumentException($"--whole runs fp32 networks, not {options.Precision}", "--whole");
        if (options.Precision == "int8") return RunInt8(options, output, log);
        IReadOnlyList<NetworkBlock> blocks = options.LoadBlocks(log);
        var (channels, height, width) = MobileNets.InputSize(options.Model);
        var shape = new TensorShape(options.Batch, channels, height, width);
        using var backends = new ConvBackends(options.BackendOptions());
        using ConvNetwork network = options.CreateNetwork(blocks, backends, log);
        TensorShape outShape = network.OutputShape(shape);
        using AlignedFloatBuffer input = options.SeededInput(shape);
        using var result = new AlignedFloatBuffer(outShape.Length);

        // The first call makes the shape's native state, and plans: auto measures its candidates in it within the
        // budget, or follows a saved plan.
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        network.Forward(input.Span, result.Span, shape.Batch, shape.Height, shape.Width);
        double firstCall = System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        NetworkPlan plan = network.PlanFor(shape.Batch, shape.Height, shape.Width)!;
        options.ReportPlanFile(network, shape, log);
        options.SavePlanIfAsked(network, shape, log);
        double micros = CallTiming.MedianMicroseconds(
            () => network.Forward(input.Span, result.Span, shape.Batch, shape.Height, shape.Width), options.MinMilliseconds);
        Report(options, output, network.Options.WholeRuntime ? $"{network.BackendName} whole" : network.BackendName, plan.Chosen.ToString(), shape, micros, network.OperationCount, 2 * network.MultiplyAccumulates(shape), firstCall);
        if (options.Explain)
        {
            output.WriteLine($"  plan: {plan}");
            foreach (string line in network.Describe()) output.WriteLine("  " + line);
        }
        if (options.Profile)
        {
            var rows = network.Profile(input.Span, result.Span, shape.Batch, shape.Height, shape.Width, calls: 200);
            double total = rows.Sum(r => r.Microseconds);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  profile, mean of 200 calls ({total:0.0} µs in operations):"));
            foreach (var (operation, runsOn, us) in rows)
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {us,9:0.0} µs {100 * us / total,5:0.0}%  {operation}  [{runsOn}]"));
        }
        return 0;
    }

    /// <summary>
    /// int8: the network quantized post-training (uint8 activations calibrated on four seeded inputs run through
    /// the float network, int8 weights per output channel), timed on uint8 input and output.
    /// </summary>
    private static int RunInt8(NetOptions options, TextWriter output, TextWriter log)
    {
        IReadOnlyList<NetworkBlock> blocks = options.LoadBlocks(log);
        var (channels, height, width) = MobileNets.InputSize(options.Model);
        using var backends = new ConvBackends(new NativeConvOptions { Threads = options.Threads });
        ConvBackend backend = backends.Get(options.Backend == "auto" ? OneDnnBackend.BackendName : options.Backend);
        var random = new Random(options.Seed);
        float[] Sample() => Enumerable.Range(0, channels * height * width).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        List<float[]> calibration = [Sample(), Sample(), Sample(), Sample()];
        using var network = new QuantizedNetwork<byte>(blocks, calibration, height, width, backend, options.Layout);
        var shape = new TensorShape(options.Batch, channels, height, width);
        TensorShape outShape = network.OutputShape(shape);
        var input = new byte[shape.Length];
        for (int n = 0; n < shape.Batch; n++)
            Quantizer.Quantize<byte>(calibration[n % calibration.Count], input.AsSpan(n * channels * height * width, channels * height * width), network.Input);
        var result = new byte[outShape.Length];
        double micros = CallTiming.MedianMicroseconds(() => network.Forward(input, result, shape.Batch, shape.Height, shape.Width), options.MinMilliseconds);
        long macs = 0;
        using (var floatNetwork = new ConvNetwork(blocks, ConvBackends.Of(new ReferenceBackend()), new NetworkOptions { Layout = options.Layout }))
            macs = floatNetwork.MultiplyAccumulates(shape);
        Report(options, output, backend.Name, $"int8 {backend.Name}", shape, micros, network.LayerCount, 2 * macs, firstCallMilliseconds: null);
        return 0;
    }

    /// <param name="firstCallMilliseconds">The first call, when timed (it makes the shape's native state, and auto plans in it): what a service pays once per shape.</param>
    private static void Report(NetOptions options, TextWriter output, string backend, string plan, TensorShape shape, double micros, int operations, long flops,
        double? firstCallMilliseconds)
    {
        double imagesPerSecond = shape.Batch * 1e6 / micros;
        string model = MobileNets.NameOf(options.Model), layout = options.Layout.ToString().ToLowerInvariant();
        int threads = options.Threads > 0 ? options.Threads : Environment.ProcessorCount;
        if (options.Json)
        {
            output.WriteLine(JsonSerializer.Serialize(new
            {
                model, layout, backend, plan, precision = options.Precision, threads, batch = shape.Batch,
                median_us = Math.Round(micros, 1), images_per_s = Math.Round(imagesPerSecond, 1), operations, flops,
                first_call_ms = firstCallMilliseconds is { } first ? Math.Round(first, 1) : (double?)null,
            }));
        }
        else
        {
            string firstCall = firstCallMilliseconds is { } first ? string.Create(CultureInfo.InvariantCulture, $"; first call {first:0.0} ms") : "";
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{model} {layout} {options.Precision} on {backend} ({plan}), {threads} threads, batch {shape.Batch}: {micros:0.0} µs per call, {imagesPerSecond:0.0} images/s{firstCall}"));
        }
    }
}
