using System.Globalization;
using System.Text.Json;
using NativeConv.Onnx;

namespace NativeConv.Cli;

/// <summary>
/// `nativeconv onnx bench`: an ONNX model of one input on seeded input of batch N (its height and width from the file,
/// or --size for symbolic ones), in 64-byte aligned buffers: the first call (shape setup and, with auto, planning),
/// then the median µs per call and images/s, as `net bench` reports them.
/// </summary>
internal static class OnnxBenchCommand
{
    public static int Run(CommandLine line, TextWriter output, TextWriter log)
    {
        OnnxOptions options = OnnxOptions.Parse(line);
        double minMs = double.Parse(line.Get("--min-ms", "1000"), CultureInfo.InvariantCulture);
        int seed = line.GetInt("--seed", 0);
        using OnnxModel model = options.Load();
        int[] shape = OnnxOptions.InputShape(model, line);
        int[] outShape = model.OutputShape(shape);
        if (model.Outputs.Count != 1) throw new ArgumentException($"the model has {model.Outputs.Count} outputs: onnx bench takes models of one output");
        using var input = new AlignedFloatBuffer(shape.Aggregate(1, (a, b) => checked(a * b)));
        using var result = new AlignedFloatBuffer(outShape.Aggregate(1, (a, b) => checked(a * b)));
        var random = new Random(seed);
        Span<float> x = input.Span;
        for (int i = 0; i < x.Length; i++) x[i] = (float)(random.NextDouble() * 2 - 1);
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        model.Forward(input.Span, shape, result.Span);
        double firstCall = System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        double micros = CallTiming.MedianMicroseconds(() => model.Forward(input.Span, shape, result.Span), minMs);
        int batch = shape[0];
        double imagesPerSecond = batch * 1e6 / micros;
        string name = Path.GetFileName(options.Model), layout = options.Layout.ToString().ToLowerInvariant();
        int threads = options.Threads > 0 ? options.Threads : Environment.ProcessorCount;
        TensorShape logical = options.Layout == TensorLayout.Nchw ? new(shape[0], shape[1], shape[2], shape[3]) : new(shape[0], shape[3], shape[1], shape[2]);
        NetworkPlan? plan = model.Network.PlanFor(logical.Batch, logical.Height, logical.Width);
        if (line.Has("--json"))
        {
            output.WriteLine(JsonSerializer.Serialize(new
            {
                model = name, opset = model.Opset, layout, backend = model.Network.BackendName, plan = plan?.Chosen.ToString(), threads, batch,
                input = shape, median_us = Math.Round(micros, 1), images_per_s = Math.Round(imagesPerSecond, 1),
                operations = model.Graph.OperationCount, flops = 2 * model.Network.MultiplyAccumulates(logical), first_call_ms = Math.Round(firstCall, 1),
            }));
        }
        else
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name} {layout} on {model.Network.BackendName} ({plan?.Chosen.ToString() ?? "-"}), {threads} threads, batch {batch} [{string.Join("x", shape)}]: " +
                $"{micros:0.0} µs per call, {imagesPerSecond:0.0} images/s; first call {firstCall:0.0} ms"));
        }
        if (line.Has("--explain"))
        {
            if (plan is not null) output.WriteLine($"  plan: {plan}");
            foreach (string describe in model.Network.Describe()) output.WriteLine("  " + describe);
        }
        return 0;
    }
}
