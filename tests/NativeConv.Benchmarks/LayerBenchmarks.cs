using BenchmarkDotNet.Attributes;

namespace NativeConv.Benchmarks;

/// <summary>
/// One Forward call of each MobileNet v1 layer and the MobileNet v2 depthwise/pointwise shapes, per
/// native backend, layout and thread count. Setup (weights packed, first-shape state) is outside the
/// measurement; [MemoryDiagnoser] shows what a call allocates (goal: 0 B). Activations live in
/// 64-byte aligned buffers, as in the C harness and as the README recommends: from a float[] (16-byte
/// aligned) the memory-bound depthwise layers are markedly slower on AVX-512.
/// </summary>
[MemoryDiagnoser]
public class LayerBenchmarks
{
    private ConvBackends _backends = null!;
    private Conv2dLayer _layer = null!;
    private AlignedFloatBuffer _input = null!;
    private AlignedFloatBuffer _output = null!;
    private int _size;

    public static IEnumerable<string> Layers => MobileNetLayers.V1.Concat(MobileNetLayers.V2).Select(l => l.Model + " " + l.Name);

    [ParamsSource(nameof(Layers))]
    public string Layer { get; set; } = "";

    [Params("onednn", "xnnpack")]
    public string Backend { get; set; } = "";

    [Params(TensorLayout.Nhwc, TensorLayout.Nchw)]
    public TensorLayout Layout { get; set; }

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        MobileNetLayer layer = MobileNetLayers.V1.Concat(MobileNetLayers.V2).Single(l => l.Model + " " + l.Name == Layer);
        _backends = new ConvBackends(new NativeConvOptions { Threads = Threads });
        var r = new Random(42);
        float[] weights = Enumerable.Range(0, layer.Spec.WeightCount).Select(_ => (float)r.NextDouble() - 0.5f).ToArray();
        float[] bias = Enumerable.Range(0, layer.Spec.BiasCount).Select(_ => (float)r.NextDouble() - 0.5f).ToArray();
        ConvGeometry g = layer.Spec.Geometry(1, layer.Size, layer.Size);
        _input = new AlignedFloatBuffer(g.InputLength);
        foreach (ref float v in _input.Span) v = (float)r.NextDouble() - 0.5f;
        _output = new AlignedFloatBuffer(g.OutputLength);
        _size = layer.Size;
        _layer = new Conv2dLayer(layer.Spec, weights, bias, _backends.Get(Backend), Layout);
        _layer.Forward(_input.Span, _output.Span, 1, _size, _size); // first-shape setup happens here, not in the measurement
    }

    [Benchmark]
    public void Forward() => _layer.Forward(_input.Span, _output.Span, 1, _size, _size);

    [GlobalCleanup]
    public void Cleanup()
    {
        _layer.Dispose();
        _backends.Dispose();
        _input.Dispose();
        _output.Dispose();
    }
}
