using System.Diagnostics;

namespace NativeConv.Benchmarks;

/// <summary>
/// The resize's mechanisms against each other, interleaved in one process so that drift on a shared machine hits all
/// alike: the managed step, oneDNN's resampling primitive and XNNPACK's resize_bilinear2d operator (2 threads each
/// native library; the managed step runs on the calling thread), on LR-ASPP's upsampling and a 2x nearest. Each round
/// times a burst of calls per mechanism, in turn; the report gives each mechanism's median, 10th and 90th percentiles and minimum over rounds and
/// the bytes a warm call allocated. Run: <c>NATIVECONV_NATIVE_DIR=... dotnet run -c Release --project
/// tests/NativeConv.Benchmarks -- --resize [rounds [threads]]</c> (2 threads unless told).
/// </summary>
internal static unsafe class ResizeMeasurement
{
    private sealed record Case(string Name, TensorShape Input, ResizeSpec Spec);

    private static readonly Case[] Cases =
    [
        new("LR-ASPP 19x19x21 -> 320x320", new TensorShape(1, 21, 19, 19), Bilinear(320)),
        new("LR-ASPP 40x40x21 -> 320x320", new TensorShape(1, 21, 40, 40), Bilinear(320)),
        new("LR-ASPP 19x19x128 -> 320x320", new TensorShape(1, 128, 19, 19), Bilinear(320)),
        new("LR-ASPP 40x40x128 -> 320x320", new TensorShape(1, 128, 40, 40), Bilinear(320)),
        new("2x nearest 64x56x56 (floor)", new TensorShape(1, 64, 56, 56), ResizeSpec.ByScale(2, 2, ResizeMode.Nearest, ResizeCoordinates.Asymmetric)),
        new("2x nearest 64x56x56 (half-pixel, prefer ceil)", new TensorShape(1, 64, 56, 56),
            ResizeSpec.ByScale(2, 2, ResizeMode.Nearest, ResizeCoordinates.HalfPixel, NearestRounding.RoundPreferCeil)),
    ];

    private static ResizeSpec Bilinear(int size) => ResizeSpec.ToSize(size, ResizeMode.Bilinear, ResizeCoordinates.HalfPixel);

    public static void Run(string[] args)
    {
        int rounds = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 21;
        int threads = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 2;
        using var onednn = new OneDnnBackend(threads);
        using var xnnpack = new XnnpackBackend(threads);
        Console.WriteLine($"{Environment.ProcessorCount} processors; oneDNN {onednn.Version} ({OneDnnBackend.CpuIsa}), XNNPACK {XnnpackBackend.Version}; {threads} threads; {rounds} rounds");
        foreach (Case c in Cases) Measure(c, onednn, xnnpack, rounds);
    }

    private static void Measure(Case c, OneDnnBackend onednn, XnnpackBackend xnnpack, int rounds)
    {
        var op = new ResizeOp("resize", [0], 1, c.Spec, null);
        var output = new TensorShape[1];
        op.InferShapes([c.Input], output);
        var shapes = new OpShapes([c.Input], output);
        var kernels = new List<(string Name, OpKernel Kernel)> { ("managed", op.LowerManaged()) };
        if (op.OneDnnMatches(shapes)) kernels.Add(("onednn", op.CreateOneDnnKernel(onednn)));
        if (op.XnnpackFlags(shapes) is not null) kernels.Add(("xnnpack", op.CreateXnnpackKernel(xnnpack)));
        using var input = new NativeFloatBuffer(c.Input.Length);
        using var result = new NativeFloatBuffer(output[0].Length);
        var random = new Random(1);
        for (int i = 0; i < input.Length; i++) input.Pointer[i] = (float)(random.NextDouble() * 4 - 2);
        float** values = stackalloc float*[2];
        values[0] = input.Pointer;
        values[1] = result.Pointer;

        OpStep[] steps = kernels.Select(k => k.Kernel.Instantiate(op, shapes)).ToArray();
        for (int call = 0; call < 3; call++)
            foreach (OpStep step in steps) step.Run(values); // compiled and warm
        // A burst of about 10 ms per mechanism, from the fastest of a few warm calls (a loaded machine stretches some).
        double warm = double.MaxValue;
        long start;
        for (int call = 0; call < 5; call++)
            foreach (OpStep step in steps)
            {
                start = Stopwatch.GetTimestamp();
                step.Run(values);
                warm = Math.Min(warm, Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
        int burst = Math.Clamp((int)(10 / Math.Max(warm, 1e-3)), 3, 2000);
        var times = new double[steps.Length, rounds];
        var allocated = new long[steps.Length];
        for (int round = 0; round < rounds; round++)
            for (int k = 0; k < steps.Length; k++)
            {
                long bytes = GC.GetAllocatedBytesForCurrentThread();
                start = Stopwatch.GetTimestamp();
                for (int call = 0; call < burst; call++) steps[k].Run(values);
                long end = Stopwatch.GetTimestamp();
                allocated[k] = Math.Max(allocated[k], GC.GetAllocatedBytesForCurrentThread() - bytes);
                times[k, round] = Stopwatch.GetElapsedTime(start, end).TotalMicroseconds / burst;
            }
        Console.WriteLine($"{c.Name}: {c.Spec} -> {output[0]}, {burst} calls a burst");
        for (int k = 0; k < steps.Length; k++)
        {
            double[] sorted = Enumerable.Range(0, rounds).Select(r => times[k, r]).Order().ToArray();
            double At(double q) => sorted[(int)(q * (sorted.Length - 1))];
            Console.WriteLine($"  {kernels[k].Name,-8} median {At(0.5),9:F1} us  p10..p90 {At(0.1),9:F1} .. {At(0.9),9:F1} us  min {sorted[0],9:F1} us  {steps[k].Implementation}; warm call allocated {allocated[k]} bytes");
        }
        foreach (OpStep step in steps) step.Dispose();
        foreach (var (_, kernel) in kernels) kernel.Dispose();
    }
}
