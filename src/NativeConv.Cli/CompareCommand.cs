using System.Numerics.Tensors;
using System.Globalization;
using System.Text.Json;

namespace NativeConv.Cli;

/// <summary>
/// `nativeconv compare`: every MobileNet v1 and v2 depthwise/pointwise layer on every backend —
/// time, GFLOP/s, largest difference from the reference, and the implementation that ran.
/// </summary>
internal static class CompareCommand
{
    // MaxAbsError is null under --no-check (JSON: null; JSON has no NaN).
    private sealed record BackendResult(string Backend, double Microseconds, double Gflops, double? MaxAbsError, string Implementation);

    private sealed record LayerResult(string Model, string Layer, int Count, double Mflop, List<BackendResult> Backends);

    public static int Run(Options options) => Run(options, Console.Out, Console.Error);

    /// <summary>The table goes to <paramref name="output"/>, or with --json to <paramref name="messages"/> (the JSON takes output).</summary>
    public static int Run(Options options, TextWriter output, TextWriter messages)
    {
        var culture = CultureInfo.InvariantCulture;
        using var backends = new ConvBackends(new NativeConvOptions { Threads = options.Threads });
        var available = new List<ConvBackend>();
        foreach (string name in options.Backends)
        {
            if (backends.TryGet(name, out ConvBackend? backend, out string? reason)) available.Add(backend!);
            else messages.WriteLine($"backend {name} unavailable: {reason}");
        }
        if (options.Precision == "bf16") // bfloat16 is oneDNN's: the others are named and left out
            foreach (ConvBackend b in available.Where(b => b is not OneDnnBackend).ToList())
            {
                messages.WriteLine($"backend {b.Name}: no bfloat16 convolution, left out");
                available.Remove(b);
            }
        if (options.Precision == "qd8") // dynamic int8 is XNNPACK's, on pointwise layers
            foreach (ConvBackend b in available.Where(b => b is not XnnpackBackend).ToList())
            {
                messages.WriteLine($"backend {b.Name}: no dynamically quantized convolution, left out");
                available.Remove(b);
            }
        if (available.Count == 0) return 1;

        var layers = options.Models.SelectMany(m => m == "v1" ? MobileNetLayers.V1 : MobileNetLayers.V2)
            .Where(l => options.Precision != "qd8" || l.Spec.IsPointwise).ToList();
        TextWriter table = options.Json ? messages : output;
        int threads = options.Threads > 0 ? options.Threads : Environment.ProcessorCount;
        table.WriteLine($"MobileNet layers, batch 1, {options.Layout}, {options.Precision}, threads={threads}, " +
                        $"64-byte aligned activations, time = median per call after warm-up; error = max |backend - fp32 reference|" +
                        (options.Precision == "int8" ? " (dequantized; uint8 activations calibrated on this input and the fp32 output; inputs non-negative where the network's are ReLU6 outputs)" : "") +
                        (options.Precision == "qd8" ? " (pointwise layers only)" : ""));
        string header = $"{"layer",-26} {"n",2} {"MFLOP",8}" + string.Concat(available.Select(b => $" | {b.Name + " us",12} {"GFLOP/s",7} {"error",8}")) + " | implementations";
        table.WriteLine(header);
        table.WriteLine(new string('-', header.Length));

        var results = new List<LayerResult>();
        var random = new Random(2024);
        foreach (MobileNetLayer layer in layers)
        {
            var spec = layer.Spec;
            ConvGeometry g = spec.Geometry(1, layer.Size, layer.Size);
            float scale = 1f / MathF.Sqrt(spec.WeightsPerOutputChannel);
            float[] input = Random(random, g.InputLength, 1f);
            // int8 layers get what they read in the network: a ReLU6 output is non-negative, so its uint8 zero point is 0.
            if (options.Precision == "int8" && layer.ReadsActivation) TensorPrimitives.Abs(input, input);
            float[] weights = Random(random, spec.WeightCount, scale);
            float[] bias = Random(random, spec.BiasCount, 0.1f);
            float[]? expected = null;
            if (options.Check || options.Precision == "int8") // int8 calibrates its output scale on the fp32 result
            {
                expected = new float[g.OutputLength];
                using var reference = new Conv2dLayer(spec, weights, bias, backends.Get(ReferenceBackend.BackendName), options.Layout);
                reference.Forward(input, expected, 1, layer.Size, layer.Size);
            }
            double flops = spec.Flops(1, layer.Size, layer.Size);
            var row = new List<BackendResult>();
            // Activations in 64-byte aligned buffers, as a performance-minded caller would keep them.
            using var alignedInput = new AlignedFloatBuffer(g.InputLength);
            using var alignedOutput = new AlignedFloatBuffer(g.OutputLength);
            input.CopyTo(alignedInput.Span);
            foreach (ConvBackend backend in available)
            {
                if (options.Precision == "int8")
                {
                    row.Add(Int8(backend, spec, layer.Size, input, weights, bias, expected!, flops, options));
                    continue;
                }
                using var conv = new Conv2dLayer(spec, weights, bias, backend, options.Layout, options.Precision switch
                {
                    "bf16" => ConvPrecision.BFloat16,
                    "qd8" => ConvPrecision.DynamicInt8,
                    _ => ConvPrecision.Float32,
                });
                double us = CallTiming.MedianMicroseconds(
                    () => conv.Forward(alignedInput.Span, alignedOutput.Span, 1, layer.Size, layer.Size), options.MinMilliseconds);
                double? error = expected is null || !options.Check ? null : MaxAbsDifference(alignedOutput.Span, expected);
                row.Add(new BackendResult(backend.Name, us, flops / us / 1e3, error, conv.ImplementationName));
            }
            results.Add(new LayerResult(layer.Model, layer.Name, layer.Count, flops / 1e6, row));
            table.WriteLine(string.Create(culture, $"{layer.Model + " " + layer.Name,-26} {layer.Count,2} {flops / 1e6,8:0.0}") +
                string.Concat(row.Select(r => string.Create(culture, $" | {r.Microseconds,12:0.0} {r.Gflops,7:0.0} {(r.MaxAbsError is { } e ? e.ToString("0.0e+0", culture) : "-"),8}"))) +
                " | " + string.Join(", ", row.Select(r => r.Implementation)));
        }

        foreach (string model in options.Models)
        {
            var rows = results.Where(r => r.Model == model).ToList();
            double mflop = rows.Sum(r => r.Mflop * r.Count);
            table.WriteLine(string.Create(culture, $"{model + (options.Precision == "qd8" ? " pointwise (weighted)" : " body (dw+pw, weighted)"),-26} {"",2} {mflop,8:0.0}") +
                string.Concat(available.Select((b, i) =>
                {
                    double us = rows.Sum(r => r.Backends[i].Microseconds * r.Count);
                    return string.Create(culture, $" | {us,12:0.0} {mflop / us * 1e3,7:0.0} {"",8}");
                })));
        }

        if (options.Json)
            output.WriteLine(JsonSerializer.Serialize(results, new JsonSerializerOptions { WriteIndented = true }));
        return 0;
    }

    /// <summary>
    /// The layer as ONNX QLinearConv would run it: uint8 activations calibrated on this input and on the fp32
    /// output, int8 weights per output channel (<see cref="Quantizer"/>); the error is in real units after dequantizing.
    /// </summary>
    private static BackendResult Int8(ConvBackend backend, Conv2dSpec spec, int size, float[] input, float[] weights, float[] bias, float[] expected,
        double flops, Options options)
    {
        QuantizationParameters inQ = Quantizer.Calibrate<byte>([input]), outQ = Quantizer.Calibrate<byte>([expected]);
        QuantizedConvWeights qWeights = Quantizer.QuantizeWeights(spec, weights, bias, inQ.Scale, backend.ExactInt8WeightBits);
        // 64-byte aligned, as the report's header says and as the float layers' and a quantized network's activations are.
        var x = new AlignedBytes(input.Length);
        var y = new AlignedBytes(expected.Length);
        Quantizer.Quantize<byte>(input, x.Span, inQ);
        using var conv = new QuantizedConv2dLayer<byte>(qWeights, inQ, outQ, backend, options.Layout);
        double us = CallTiming.MedianMicroseconds(() => conv.Forward(x.Span, y.Span, 1, size, size), options.MinMilliseconds);
        var real = new float[y.Length];
        Quantizer.Dequantize<byte>(y.Span, real, outQ);
        return new BackendResult(backend.Name, us, flops / us / 1e3, options.Check ? MaxAbsDifference(real, expected) : null, conv.ImplementationName);
    }

    private static float[] Random(Random random, int length, float scale)
    {
        var values = new float[length];
        for (int i = 0; i < length; i++) values[i] = (float)(random.NextDouble() * 2 - 1) * scale;
        return values;
    }

    private static double MaxAbsDifference(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double max = 0;
        for (int i = 0; i < a.Length; i++) max = Math.Max(max, Math.Abs((double)a[i] - b[i]));
        return max;
    }

    internal sealed record Options(string[] Models, string[] Backends, TensorLayout Layout, int Threads, double MinMilliseconds, bool Check, bool Json,
        string Precision = "fp32");
}
