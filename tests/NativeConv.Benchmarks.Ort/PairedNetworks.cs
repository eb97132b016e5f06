using Microsoft.ML.OnnxRuntime;
using NativeConv.Cli;

namespace NativeConv.Benchmarks.Ort;

/// <summary>
/// --paired: the ONNX model's network in NativeConv (the name, layout and batch export_onnx.py or export_qlinear_onnx.py
/// records; seeded random weights, as `net bench` takes them: the time does not depend on the values), then both timed in
/// this process in alternating blocks. A float model: NativeConv planned over both libraries as `net bench --backend auto`
/// does. An int8 model ("v1-body int8"): NativeConv's network quantized as `net bench --precision int8` quantizes it
/// (oneDNN), timed float in and float out like the model (its QuantizeLinear and DequantizeLinear): the network's float
/// Forward, which quantizes the input, runs and dequantizes the output.
/// </summary>
internal static class PairedNetworks
{
    public static PairedResult Measure(BoundSession session, RunnerOptions options)
    {
        var metadata = session.CustomMetadata;
        string model = metadata.TryGetValue("nativeconv.model", out string? m) ? m : throw new ArgumentException("--paired needs a model written by export_onnx.py or export_qlinear_onnx.py (nativeconv.model metadata)");
        string layoutName = metadata.GetValueOrDefault("nativeconv.layout", "nchw");
        TensorLayout layout = layoutName == "nhwc" ? TensorLayout.Nhwc : TensorLayout.Nchw;
        string[] words = model.Split(' ');
        bool int8 = words is [_, "int8"];
        MobileNetModel network = MobileNets.Parse(words[0]);
        var (channels, height, width) = MobileNets.InputSize(network);
        var shape = new TensorShape((int)session.InputShape[0], channels, height, width);

        using var backends = new ConvBackends(new NativeConvOptions { Threads = options.Threads });
        using var input = new AlignedFloatBuffer(shape.Length);
        var random = new Random(0);
        Span<float> x = input.Span;
        for (int i = 0; i < x.Length; i++) x[i] = (float)(random.NextDouble() * 2 - 1);
        using IPairedNetwork ours = int8
            ? new QuantizedPeer(network, backends.Get(OneDnnBackend.BackendName), layout, shape, input)
            : new FloatPeer(network, backends, layout, shape, input);
        do ours.Run(); // plans (float: the candidates measured over these calls, ONNX Runtime idle)
        while (!ours.Planned);

        BlockTiming timing = BlockTiming.Measure([ours.Run, session.Run], options.Pairs, options.MinMilliseconds);
        double[] ratios = timing.Ratios(0, 1);
        return new PairedResult(model, layoutName, shape.Batch, options.Threads, options.Pairs, ours.Plan,
            Math.Round(timing.MedianMicroseconds(0), 1), Math.Round(timing.MedianMicroseconds(1), 1),
            Math.Round(BlockTiming.Median(ratios), 4), Math.Round(ratios.Min(), 4), Math.Round(ratios.Max(), 4), OrtEnv.Instance().GetVersionString());
    }

    private interface IPairedNetwork : IDisposable
    {
        void Run();

        /// <summary>Whether the plan is chosen: the calls from now on run it.</summary>
        bool Planned { get; }

        /// <summary>What ran, e.g. "onednn+sum" (float: the plan `auto` chose) or "int8 onednn".</summary>
        string Plan { get; }
    }

    private sealed class FloatPeer(MobileNetModel model, ConvBackends backends, TensorLayout layout, TensorShape shape, AlignedFloatBuffer input) : IPairedNetwork
    {
        private readonly ConvNetwork _network = MobileNets.Create(model, new RandomStateDict(0), backends, new NetworkOptions { Layout = layout });
        private AlignedFloatBuffer? _output;

        public string Plan => _network.PlanFor(shape.Batch, shape.Height, shape.Width)!.Chosen.ToString();

        public bool Planned => _network.PlanFor(shape.Batch, shape.Height, shape.Width) is not null;

        public void Run()
        {
            _output ??= new AlignedFloatBuffer(_network.OutputShape(shape).Length);
            _network.Forward(input.Span, _output.Span, shape.Batch, shape.Height, shape.Width);
        }

        public void Dispose()
        {
            _network.Dispose();
            _output?.Dispose();
        }
    }

    /// <summary>Calibrated as `net bench --precision int8` calibrates (four seeded inputs); float in, float out (<see cref="QuantizedNetwork{T}.Forward(ReadOnlySpan{float}, Span{float}, int, int, int)"/>).</summary>
    private sealed class QuantizedPeer : IPairedNetwork
    {
        private readonly QuantizedNetwork<byte> _network;
        private readonly TensorShape _shape;
        private readonly AlignedFloatBuffer _input;
        private readonly float[] _output;

        public QuantizedPeer(MobileNetModel model, ConvBackend backend, TensorLayout layout, TensorShape shape, AlignedFloatBuffer input)
        {
            IReadOnlyList<NetworkBlock> blocks = MobileNets.Blocks(model, new RandomStateDict(0));
            var random = new Random(0);
            float[] Sample() => Enumerable.Range(0, shape.Channels * shape.Height * shape.Width).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            _network = new QuantizedNetwork<byte>(blocks, [Sample(), Sample(), Sample(), Sample()], shape.Height, shape.Width, backend, layout);
            _shape = shape;
            _input = input;
            _output = new float[_network.OutputShape(shape).Length];
            Plan = $"int8 {backend.Name}";
        }

        public string Plan { get; }

        public bool Planned => true; // one backend: nothing to measure

        public void Run() => _network.Forward(_input.Span, _output, _shape.Batch, _shape.Height, _shape.Width);

        public void Dispose() => _network.Dispose();
    }
}
