using System.Diagnostics;
using System.Globalization;

namespace NativeConv.Benchmarks;

/// <summary>
/// What PyTorch's semantics for NaN and ±infinity cost (<see cref="NonFiniteValues"/>), interleaved in one process so that
/// drift on a shared machine hits both alike: each MobileNet (224x224, NCHW, batch 1) and a few v1/v2 layers on each native
/// backend with the default (<see cref="NonFiniteValues.PyTorch"/>: a scan per call) and with
/// <see cref="NonFiniteValues.Library"/> (none), in turn, round by round; the report gives the median ratio of the rounds with
/// its 10th and 90th percentiles. Then a call whose input holds one NaN pixel, or only NaN, against a finite call.
/// Run: <c>NATIVECONV_NATIVE_DIR=... dotnet run -c Release --project tests/NativeConv.Benchmarks -- --nonfinite [rounds [threads [layers|networks]]]</c>
/// ("layers": the scans and layers only; "networks": the scans and networks only).
/// </summary>
internal static class NonFiniteMeasurement
{
    public static void Run(string[] args)
    {
        int rounds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 31;
        int threads = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 2;
        Console.WriteLine($"{Environment.ProcessorCount} processors, load average {File.ReadAllText("/proc/loadavg").Trim()}; {threads} threads; {rounds} rounds");
        foreach (int length in new[] { 3 * 224 * 224, 32 * 112 * 112, 144 * 56 * 56 }) Scan(length);
        foreach (string name in new[] { OneDnnBackend.BackendName, XnnpackBackend.BackendName })
        {
            using ConvBackend pytorch = Backend(name, threads, NonFiniteValues.PyTorch), library = Backend(name, threads, NonFiniteValues.Library);
            bool layersOnly = args.Length > 2 && args[2] == "layers", networksOnly = args.Length > 2 && args[2] == "networks";
            foreach (MobileNetModel model in layersOnly ? [] : new[] { MobileNetModel.V1, MobileNetModel.V2, MobileNetModel.V3Small, MobileNetModel.V3Large })
            {
                IReadOnlyList<NetworkBlock> blocks = MobileNets.Blocks(model, new RandomStateDict(1));
                using var a = new ConvNetwork(blocks, ConvBackends.Of(pytorch), new NetworkOptions { Backend = name, Threads = threads });
                using var b = new ConvNetwork(blocks, ConvBackends.Of(library), new NetworkOptions { Backend = name, Threads = threads });
                float[] x = Input(3 * 224 * 224), y = new float[a.OutputShape(new TensorShape(1, 3, 224, 224)).Length];
                Compare($"{name} {model} network", rounds, () => a.Forward(x, y, 1, 224, 224), () => b.Forward(x, y, 1, 224, 224));
                if (model != MobileNetModel.V2) continue;
                float[] pixel = x.ToArray();
                for (int c = 0; c < 3; c++) pixel[c * 224 * 224 + 112 * 224 + 112] = float.NaN;
                float[] nan = Enumerable.Repeat(float.NaN, x.Length).ToArray();
                Compare($"{name} {model} network, one NaN pixel against a finite input", rounds, () => a.Forward(pixel, y, 1, 224, 224), () => a.Forward(x, y, 1, 224, 224));
                Compare($"{name} {model} network, all NaN against a finite input", Math.Max(rounds / 3, 3), () => a.Forward(nan, y, 1, 224, 224), () => a.Forward(x, y, 1, 224, 224));
            }
            foreach (var (label, spec, size) in networksOnly ? [] : Layers)
            {
                float[] weights = Input(spec.WeightCount), bias = Input(spec.BiasCount);
                using var a = new Conv2dLayer(spec, weights, bias, pytorch, TensorLayout.Nhwc);
                using var b = new Conv2dLayer(spec, weights, bias, library, TensorLayout.Nhwc);
                float[] x = Input(spec.InChannels * size * size), y = new float[a.OutputShape(new TensorShape(1, spec.InChannels, size, size)).Length];
                Compare($"{name} layer {label} ({a.Capabilities.NonFinite})", rounds, () => a.Forward(x, y, 1, size, size), () => b.Forward(x, y, 1, size, size));
                float[] pixel = x.ToArray();
                for (int c = 0; c < spec.InChannels; c++) pixel[(size / 2 * size + size / 2) * spec.InChannels + c] = float.NaN;
                float[] nan = Enumerable.Repeat(float.NaN, x.Length).ToArray();
                Compare($"{name} layer {label}, one NaN pixel against a finite input", rounds, () => a.Forward(pixel, y, 1, size, size), () => a.Forward(x, y, 1, size, size));
                Compare($"{name} layer {label}, all NaN against a finite input", Math.Max(rounds / 3, 3), () => a.Forward(nan, y, 1, size, size), () => a.Forward(x, y, 1, size, size));
            }
        }
    }

    private static readonly (string Label, Conv2dSpec Spec, int Size)[] Layers =
    [
        ("v1 dw1 32ch 112x112 relu", Conv2dSpec.Depthwise(32, 3, padding: 1, bias: true, activation: Activation.ReLU), 112),
        ("v1 pw1 32->64 112x112 relu", Conv2dSpec.Pointwise(32, 64, bias: true, activation: Activation.ReLU), 112),
        ("v2 expand 24->144 56x56 relu6", Conv2dSpec.Pointwise(24, 144, bias: true, activation: Activation.ReLU6), 56),
        ("v2 dw 144ch s2 56x56 relu6", Conv2dSpec.Depthwise(144, 3, stride: 2, padding: 1, bias: true, activation: Activation.ReLU6), 56),
        ("v2 project 144->24 28x28 none", Conv2dSpec.Pointwise(144, 24, bias: true, activation: Activation.None), 28),
    ];

    private static ConvBackend Backend(string name, int threads, NonFiniteValues semantics) => name == OneDnnBackend.BackendName
        ? new OneDnnBackend(threads) { NonFiniteValues = semantics }
        : new XnnpackBackend(threads) { NonFiniteValues = semantics };

    private static float[] Input(int length)
    {
        var r = new Random(length);
        return Enumerable.Range(0, length).Select(_ => (float)(r.NextDouble() * 2 - 1)).ToArray();
    }

    /// <summary>
    /// Bursts of <paramref name="a"/> and <paramref name="b"/> in turn, each about 10 ms, after a second of each (JIT tiers,
    /// caches); a/b per round with its median and spread, and the ratio of the two fastest bursts (the least disturbed on a
    /// loaded machine).
    /// </summary>
    private static void Compare(string what, int rounds, Action a, Action b)
    {
        long warm = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(warm).TotalSeconds < 1)
        {
            a();
            b();
        }
        double[] singles = Enumerable.Range(0, 7).Select(_ => Time(a, 1)).Order().ToArray();
        int burst = Math.Clamp((int)(10_000 / Math.Max(singles[3], 1)), 2, 2000); // about 10 ms at the median single call
        var ratios = new double[rounds];
        double minA = double.MaxValue, minB = double.MaxValue;
        for (int round = 0; round < rounds; round++)
        {
            double x = Time(a, burst), y = Time(b, burst);
            ratios[round] = x / y;
            minA = Math.Min(minA, x);
            minB = Math.Min(minB, y);
        }
        Array.Sort(ratios);
        double At(double q) => ratios[(int)(q * (ratios.Length - 1))];
        Console.WriteLine($"{what}: fastest bursts {minA:F1} vs {minB:F1} us a call (ratio {minA / minB:F3}); per round ratio median {At(0.5):F3} (p25 {At(0.25):F3}, p75 {At(0.75):F3}); {burst} calls a burst, {rounds} rounds");
    }

    /// <summary>The scan alone over <paramref name="length"/> finite values: what PyTorch's semantics add to a finite call.</summary>
    private static unsafe void Scan(int length)
    {
        using var buffer = new NativeFloatBuffer(length);
        for (int i = 0; i < length; i++) buffer.Pointer[i] = i * 1e-3f;
        bool any = false;
        double best = double.MaxValue;
        for (int round = 0; round < 200; round++)
        {
            long start = Stopwatch.GetTimestamp();
            for (int k = 0; k < 10; k++) any |= NonFiniteScan.Any(buffer.Pointer, length);
            best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalMicroseconds / 10);
        }
        Console.WriteLine($"scan of {length} finite floats: fastest {best:F2} us ({length * 4.0 / best / 1e3:F1} GB/s){(any ? " (found one?)" : "")}");
    }

    private static double Time(Action action, int calls)
    {
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < calls; i++) action();
        return Stopwatch.GetElapsedTime(start).TotalMicroseconds / calls;
    }
}
