using NativeConv.Interop;
using Xunit;

namespace NativeConv.Tests;

/// <summary>
/// The catalogue of invalid inputs: each is rejected with a specific exception, naming the argument
/// (and, for buffers and shapes, the expected shape), before any native call. Run on every backend.
/// </summary>
public class InvalidInputCatalogueTests
{
    private static readonly float[] W4x3 = new float[4 * 9], B4 = new float[4];

    // (name, expected exception, expected parameter name or null, message fragment or null, action on a backend)
    public static readonly (string Name, Type Exception, string? Param, string? Fragment, Action<ConvBackend> Act)[] Catalogue =
    [
        ("inChannels 0", typeof(ArgumentOutOfRangeException), "inChannels", null, b => _ = new Conv2dSpec(0, 4, 3)),
        ("inChannels negative", typeof(ArgumentOutOfRangeException), "inChannels", null, b => _ = new Conv2dSpec(-1, 4, 3)),
        ("outChannels 0", typeof(ArgumentOutOfRangeException), "outChannels", null, b => _ = new Conv2dSpec(4, 0, 3)),
        ("groups 0", typeof(ArgumentOutOfRangeException), "groups", null, b => _ = new Conv2dSpec(4, 4, 3, groups: 0)),
        ("groups not dividing inChannels", typeof(ArgumentException), "groups", "divide inChannels", b => _ = new Conv2dSpec(6, 8, 3, groups: 4)),
        ("groups not dividing outChannels", typeof(ArgumentException), "groups", "divide outChannels", b => _ = new Conv2dSpec(4, 6, 3, groups: 4)),
        ("depthwise channels 0", typeof(ArgumentOutOfRangeException), "channels", null, b => _ = Conv2dSpec.Depthwise(0, 3)),
        ("depthwise multiplier 0", typeof(ArgumentOutOfRangeException), "multiplier", null, b => _ = Conv2dSpec.Depthwise(4, 3, multiplier: 0)),
        ("depthwise multiplier overflow", typeof(ArgumentOutOfRangeException), "multiplier", "overflows", b => _ = Conv2dSpec.Depthwise(65536, 3, multiplier: 65536)),
        ("kernel height 0", typeof(ArgumentOutOfRangeException), "height", null, b => _ = new Size2D(0, 3)),
        ("kernel width negative", typeof(ArgumentOutOfRangeException), "width", null, b => _ = new Size2D(3, -1)),
        ("default kernel", typeof(ArgumentException), "kernel", null, b => _ = new Conv2dSpec(4, 4, default(Size2D))),
        ("stride 0", typeof(ArgumentOutOfRangeException), "height", null, b => _ = new Conv2dSpec(4, 4, 3, stride: 0)),
        ("dilation 0", typeof(ArgumentOutOfRangeException), "height", null, b => _ = new Conv2dSpec(4, 4, 3, dilation: 0)),
        ("negative padding", typeof(ArgumentOutOfRangeException), "top", null, b => _ = Padding2D.Explicit(-1, 0, 0, 0)),
        ("padding as large as the kernel", typeof(ArgumentException), "padding", "smaller than the effective kernel", b => _ = new Conv2dSpec(4, 4, 3, padding: 3)),
        ("asymmetric padding too large on one side", typeof(ArgumentException), "padding", null, b => _ = new Conv2dSpec(4, 4, 3, padding: Padding2D.Explicit(0, 0, 0, 5))),
        ("weight count overflows", typeof(ArgumentException), "outChannels", "exceeds", b => _ = new Conv2dSpec(65536, 65536, 1)),
        ("clamp min NaN", typeof(ArgumentOutOfRangeException), "min", null, b => _ = Activation.Clamp(float.NaN, 1)),
        ("clamp max NaN", typeof(ArgumentOutOfRangeException), "max", null, b => _ = Activation.Clamp(0, float.NaN)),
        ("clamp min > max", typeof(ArgumentException), "min", "must not exceed", b => _ = Activation.Clamp(2, 1)),
        ("clamp min +inf", typeof(ArgumentOutOfRangeException), "min", null, b => _ = Activation.Clamp(float.PositiveInfinity, float.PositiveInfinity)),
        ("clamp max -inf", typeof(ArgumentOutOfRangeException), "max", null, b => _ = Activation.Clamp(float.NegativeInfinity, float.NegativeInfinity)),
        ("weights too short", typeof(ArgumentException), "weights", "PyTorch order", b => _ = new DepthwiseConv2d(4, 3, new float[35], B4, b)),
        ("weights too long", typeof(ArgumentException), "weights", "got 37", b => _ = new DepthwiseConv2d(4, 3, new float[37], B4, b)),
        ("bias too short", typeof(ArgumentException), "bias", "one per output channel", b => _ = new Conv2dLayer(Conv2dSpec.Depthwise(4, 3), W4x3, new float[3], b)),
        ("bias given to a bias-free spec", typeof(ArgumentException), "bias", "no bias", b => _ = new Conv2dLayer(Conv2dSpec.Depthwise(4, 3, bias: false), W4x3, B4, b)),
        ("null spec", typeof(ArgumentNullException), "spec", null, b => _ = new Conv2dLayer(null!, W4x3, B4, b)),
        ("null backend", typeof(ArgumentNullException), "backend", null, b => _ = new Conv2dLayer(Conv2dSpec.Depthwise(4, 3), W4x3, B4, null!)),
        ("undefined layout", typeof(ArgumentOutOfRangeException), "layout", null, b => _ = new Conv2dLayer(Conv2dSpec.Depthwise(4, 3), W4x3, B4, b, (TensorLayout)7)),
        ("batch 0", typeof(ArgumentOutOfRangeException), "batch", null, b => Forward(b, 0, 5, 5, 100, 100)),
        ("height 0", typeof(ArgumentOutOfRangeException), "height", null, b => Forward(b, 1, 0, 5, 100, 100)),
        ("width negative", typeof(ArgumentOutOfRangeException), "width", null, b => Forward(b, 1, 5, -5, 100, 100)),
        ("kernel larger than the padded input", typeof(ArgumentException), "height", "larger than the padded input", b => ForwardValid(b, 1, 2, 5)),
        ("input too short", typeof(ArgumentException), "input", "NHWC 1x5x5x4 = 100", b => Forward(b, 1, 5, 5, 99, 100)),
        ("input too long", typeof(ArgumentException), "input", "got 101", b => Forward(b, 1, 5, 5, 101, 100)),
        ("output too short", typeof(ArgumentException), "output", "= 100 values, got 99", b => Forward(b, 1, 5, 5, 100, 99)),
        ("output too long", typeof(ArgumentException), "output", "got 101", b => Forward(b, 1, 5, 5, 100, 101)),
        ("overlapping input and output", typeof(ArgumentException), "output", "overlap", b => ForwardOverlapping(b)),
        ("element count overflows", typeof(ArgumentException), "batch", "exceeds the largest span", b => Forward(b, 100_000, 1000, 1000, 0, 0)),
        ("layer used after Dispose", typeof(ObjectDisposedException), null, null, b => ForwardAfterDispose(b)),
        ("unknown backend name", typeof(ArgumentException), "name", "known: onednn, xnnpack, reference", b => TestBackends.All.Get("mkl")),
        ("unknown default backend", typeof(ArgumentException), "options", null, b => _ = new ConvBackends(new NativeConvOptions { DefaultBackend = "x" })),
        ("negative threads", typeof(ArgumentOutOfRangeException), "options", null, b => _ = new ConvBackends(new NativeConvOptions { Threads = -2 })),
        ("native library directory missing", typeof(NativeLibraryLoadException), null, "configured directory does not exist", b => NativeLibrarySearch.Locate(Interop.OneDnn.OneDnnLibrary.OneDnn, "/nonexistent/nativeconv")),
        ("batch norm length mismatch", typeof(ArgumentException), "beta", null, b => _ = new BatchNorm2d(new float[4], new float[3], new float[4], new float[4])),
        ("batch norm negative variance", typeof(ArgumentOutOfRangeException), "variance", null, b => _ = new BatchNorm2d(new float[1], new float[1], new float[1], [-1f])),
        ("batch norm epsilon 0", typeof(ArgumentOutOfRangeException), "epsilon", null, b => _ = new BatchNorm2d(new float[1], new float[1], new float[1], new float[1], 0)),
        ("separable weights wrong", typeof(ArgumentException), "pointwiseWeights", null, b => _ = new DepthwiseSeparableConv2d(4, 8, 3, W4x3, [], new float[31], [], b)),
    ];

    private static void Forward(ConvBackend backend, int n, int h, int w, int inputLength, int outputLength)
    {
        using var layer = new DepthwiseConv2d(4, 3, W4x3, B4, backend, padding: 1, layout: TensorLayout.Nhwc);
        layer.Forward(new float[inputLength], new float[outputLength], n, h, w);
    }

    private static void ForwardValid(ConvBackend backend, int n, int h, int w)
    {
        using var layer = new DepthwiseConv2d(4, 3, W4x3, B4, backend, padding: Padding2D.Valid, layout: TensorLayout.Nhwc);
        layer.Forward(new float[n * h * w * 4], new float[4], n, h, w);
    }

    private static void ForwardOverlapping(ConvBackend backend)
    {
        using var layer = new DepthwiseConv2d(4, 3, W4x3, B4, backend, padding: 1, layout: TensorLayout.Nhwc);
        var data = new float[150];
        layer.Forward(data.AsSpan(0, 100), data.AsSpan(50, 100), 1, 5, 5);
    }

    private static void ForwardAfterDispose(ConvBackend backend)
    {
        var layer = new DepthwiseConv2d(4, 3, W4x3, B4, backend, padding: 1, layout: TensorLayout.Nhwc);
        layer.Dispose();
        layer.Forward(new float[100], new float[100], 1, 5, 5);
    }

    public static TheoryData<string, int> Cases()
    {
        var data = new TheoryData<string, int>();
        foreach (string backend in TestBackends.Names)
            for (int i = 0; i < Catalogue.Length; i++)
                data.Add(backend, i);
        return data;
    }

    [Fact]
    public void The_catalogue_has_at_least_40_distinct_kinds() =>
        Assert.True(Catalogue.Select(c => c.Name).Distinct().Count() >= 40, $"{Catalogue.Length} kinds");

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void Invalid_input_is_rejected_with_a_specific_exception(string backendName, int index) =>
        Refusal.Check(backendName, Catalogue[index]);
}
