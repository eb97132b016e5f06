using Xunit;

namespace NativeConv.Tests;

/// <summary>Bad input is rejected before any native call, naming the argument and the expected shape.</summary>
public class ValidationTests
{
    private static Conv2dLayer Layer(ConvBackend backend) =>
        new DepthwiseConv2d(4, 3, new float[4 * 9], new float[4], backend, padding: 1, layout: TensorLayout.Nhwc);

    public static TheoryData<string> AllBackends() => new(TestBackends.Names);

    [SkippableTheory]
    [MemberData(nameof(AllBackends))]
    public void Wrong_buffer_lengths_are_rejected_with_the_expected_shape(string backendName)
    {
        using Conv2dLayer layer = Layer(TestBackends.GetOrSkip(backendName));
        var e = Assert.Throws<ArgumentException>(() => layer.Forward(new float[4 * 5 * 5 - 1], new float[4 * 5 * 5], 1, 5, 5));
        Assert.Equal("input", e.ParamName);
        Assert.Contains("NHWC 1x5x5x4 = 100", e.Message);
        e = Assert.Throws<ArgumentException>(() => layer.Forward(new float[100], new float[101], 1, 5, 5));
        Assert.Equal("output", e.ParamName);
        var data = new float[200];
        e = Assert.Throws<ArgumentException>(() => layer.Forward(data.AsSpan(0, 100), data.AsSpan(50, 100), 1, 5, 5));
        Assert.Contains("overlap", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => layer.Forward(new float[100], new float[100], 0, 5, 5));
    }

    [SkippableTheory]
    [MemberData(nameof(AllBackends))]
    public void Wrong_weights_and_bias_are_rejected_at_construction(string backendName)
    {
        ConvBackend backend = TestBackends.GetOrSkip(backendName);
        var e = Assert.Throws<ArgumentException>(() => new DepthwiseConv2d(4, 3, new float[35], new float[4], backend));
        Assert.Equal("weights", e.ParamName);
        Assert.Contains("out=4, in/groups=1, kh=3, kw=3", e.Message);
        e = Assert.Throws<ArgumentException>(() => new Conv2dLayer(Conv2dSpec.Pointwise(4, 8, bias: false), new float[32], new float[8], backend));
        Assert.Equal("bias", e.ParamName);
    }

    [SkippableTheory]
    [MemberData(nameof(AllBackends))]
    public void A_disposed_layer_throws_and_disposing_twice_is_harmless(string backendName)
    {
        Conv2dLayer layer = Layer(TestBackends.GetOrSkip(backendName));
        layer.Forward(new float[100], new float[100], 1, 5, 5);
        layer.Dispose();
        layer.Dispose();
        Assert.Throws<ObjectDisposedException>(() => layer.Forward(new float[100], new float[100], 1, 5, 5));
    }

    [SkippableTheory]
    [MemberData(nameof(AllBackends))]
    public void Inputs_are_never_modified_and_shapes_can_change_between_calls(string backendName)
    {
        ConvBackend backend = TestBackends.GetOrSkip(backendName);
        // Integer-valued weights, bias and inputs: every sum is exact, so each shape's output must equal the reference's.
        float[] weights = Enumerable.Range(0, 4 * 9).Select(i => (float)(i % 5 - 2)).ToArray();
        float[] bias = [1, -2, 3, 0];
        using var layer = new DepthwiseConv2d(4, 3, weights, bias, backend, stride: 2, padding: Padding2D.Same, layout: TensorLayout.Nhwc);
        using var reference = new DepthwiseConv2d(4, 3, weights, bias, new ReferenceBackend(), stride: 2, padding: Padding2D.Same, layout: TensorLayout.Nhwc);
        foreach (var (n, h, w) in new[] { (1, 5, 5), (2, 9, 4), (1, 5, 5), (1, 1, 1), (3, 8, 13), (2, 9, 4) })
        {
            float[] input = Enumerable.Range(0, n * h * w * 4).Select(i => (float)((i * 7 + h) % 9 - 4)).ToArray();
            float[] copy = input.ToArray();
            ConvGeometry g = layer.Geometry(n, h, w);
            var expected = new float[g.OutputLength];
            var actual = new float[g.OutputLength];
            reference.Forward(input, expected, n, h, w);
            layer.Forward(input, actual, n, h, w);
            Assert.Equal(copy, input);
            Assert.Equal(expected, actual);
            Assert.Contains(actual, v => v != 0); // the comparison is not between two zero tensors
        }
    }
}
