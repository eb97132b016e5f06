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
        IReadOnlyList<NetworkBlock> blocks = options.LoadBlocks(log);
        var (channels, height, width) = MobileNets.InputSize(options.Model);
        var shape = new TensorShape(options.Batch, channels, height, width);
        using var backends = new ConvBackends(new NativeConvOptions { Threads = options.Threads });
        using ConvNetwork network = options.CreateNetwork(blocks, backends, log);
        TensorShape outShape = network.OutputShape(shape);
        using var input = new AlignedFloatBuffer(shape.Length);
        using var result = new AlignedFloatBuffer(outShape.Length);
        var random = new Random(options.Seed);
        Span<float> x = input.Span;
        for (int i = 0; i < x.Length; i++) x[i] = (float)(random.NextDouble() * 2 - 1);

        network.Forward(input.Span, result.Span, shape.Batch, shape.Height, shape.Width); // plans (auto measures here)
        NetworkPlan plan = network.PlanFor(shape.Batch, shape.Height, shape.Width)!;
        options.SavePlanIfAsked(network, shape, log);
        double micros = CallTiming.MedianMicroseconds(
            () => network.Forward(input.Span, result.Span, shape.Batch, shape.Height, shape.Width), options.MinMilliseconds);
        double imagesPerSecond = shape.Batch * 1e6 / micros;
        string model = MobileNets.NameOf(options.Model), layout = options.Layout.ToString().ToLowerInvariant();
        int threads = options.Threads > 0 ? options.Threads : Environment.ProcessorCount;
        if (options.Json)
        {
            output.WriteLine(JsonSerializer.Serialize(new
            {
                model, layout, backend = network.BackendName, plan = plan.Chosen, threads, batch = shape.Batch,
                median_us = Math.Round(micros, 1), images_per_s = Math.Round(imagesPerSecond, 1),
                operations = network.OperationCount, flops = 2 * network.MultiplyAccumulates(shape),
            }));
        }
        else
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{model} {layout} on {network.BackendName} ({plan.Chosen}), {threads} threads, batch {shape.Batch}: {micros:0.0} µs per call, {imagesPerSecond:0.0} images/s"));
        }
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
}
