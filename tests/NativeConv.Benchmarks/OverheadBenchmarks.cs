using BenchmarkDotNet.Attributes;

namespace NativeConv.Benchmarks;

/// <summary>
/// The fixed cost of a call: a depthwise 1x1 convolution of 8 channels on a 1x1 input does almost no
/// work, so its time is the facade's validation, lock and pinning plus the library's own dispatch.
/// </summary>
[MemoryDiagnoser]
public class OverheadBenchmarks
{
    private ConvBackends _backends = null!;
    private Conv2dLayer _layer = null!;
    private readonly AlignedFloatBuffer _input = new(8); // aligned, as the C harness's buffers
    private readonly AlignedFloatBuffer _output = new(8);

    [Params("onednn", "xnnpack", "reference")]
    public string Backend { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        _backends = new ConvBackends(new NativeConvOptions { Threads = 1 });
        _layer = new DepthwiseConv2d(8, 1, new float[8], new float[8], _backends.Get(Backend), layout: TensorLayout.Nhwc);
        _layer.Forward(_input.Span, _output.Span, 1, 1, 1);
    }

    [Benchmark]
    public void TinyForward() => _layer.Forward(_input.Span, _output.Span, 1, 1, 1);

    [GlobalCleanup]
    public void Cleanup()
    {
        _layer.Dispose();
        _backends.Dispose();
        _input.Dispose();
        _output.Dispose();
    }
}
