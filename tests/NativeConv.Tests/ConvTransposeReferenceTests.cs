using Xunit;

namespace NativeConv.Tests;

/// <summary>
/// The transposed convolution's definition on hand-computed cases (no native code): the output size rule, where each
/// input value lands, how padding crops and output padding extends, and which output channels a group's inputs reach.
/// </summary>
public class ConvTransposeReferenceTests
{
    private static float[] Run(ConvTranspose2dSpec spec, float[] input, float[] weights, float[] bias, int batch, int height, int width,
        TensorLayout layout = TensorLayout.Nchw)
    {
        using var layer = new ConvTranspose2dLayer(spec, weights, bias, new ReferenceBackend(), layout);
        var output = new float[layer.Geometry(batch, height, width).OutputLength];
        layer.Forward(input, output, batch, height, width);
        return output;
    }

    [Theory]
    // in, kernel, stride, pad begin, pad end, output padding, dilation -> (in − 1)·stride − begin − end + dilation·(k − 1) + output padding + 1
    [InlineData(5, 3, 2, 1, 0, 1, 1, 11)]
    [InlineData(5, 3, 2, 1, 1, 1, 1, 10)]
    [InlineData(1, 1, 1, 0, 0, 0, 1, 1)]
    [InlineData(7, 4, 2, 1, 1, 0, 1, 14)] // the DCGAN 2x step
    [InlineData(4, 3, 1, 0, 0, 2, 3, 12)] // output padding below the dilation, not the stride
    [InlineData(3, 2, 4, 0, 0, 3, 1, 13)] // stride wider than the kernel
    [InlineData(9, 7, 1, 6, 6, 0, 1, 3)]  // padding crops most of the full output
    public void Output_size_follows_PyTorch(int size, int kernel, int stride, int begin, int end, int outputPadding, int dilation, int expected)
    {
        var spec = new ConvTranspose2dSpec(2, 3, kernel, stride, Padding2D.Explicit(begin, begin, end, end), outputPadding, dilation);
        ConvGeometry g = spec.Geometry(2, size, size);
        Assert.Equal((expected, expected), (g.OutHeight, g.OutWidth));
        Assert.Equal((begin, begin, end, end), (g.PadTop, g.PadLeft, g.PadBottom, g.PadRight));
        Assert.Equal(2 * 3 * expected * expected, g.OutputLength);
    }

    [Fact]
    public void A_stride_equal_to_the_kernel_places_one_scaled_kernel_per_input_value()
    {
        // 2x2 input, 2x2 kernel, stride 2: output (y, x) = input(y/2, x/2) · w(y%2, x%2).
        float[] output = Run(new ConvTranspose2dSpec(1, 1, 2, stride: 2, bias: false), [1, 2, 3, 4], [1, 10, 100, 1000], [], 1, 2, 2);
        Assert.Equal(new float[]
        {
            1, 10, 2, 20,
            100, 1000, 200, 2000,
            3, 30, 4, 40,
            300, 3000, 400, 4000,
        }, output);
    }

    [Fact]
    public void Overlapping_windows_add_padding_crops_and_output_padding_adds_bias_only_values()
    {
        // Row [1, 2] through kernel [1, 1] at stride 1: [1, 3, 2]; bias 0.5 added everywhere.
        Assert.Equal(new[] { 1.5f, 3.5f, 2.5f }, Run(new ConvTranspose2dSpec(1, 1, new Size2D(1, 2)), [1, 2], [1, 1], [0.5f], 1, 1, 2));
        // Cropping one column on the left: [3, 2] (+ bias).
        Assert.Equal(new[] { 3.5f, 2.5f },
            Run(new ConvTranspose2dSpec(1, 1, new Size2D(1, 2), padding: Padding2D.Explicit(0, 1, 0, 0)), [1, 2], [1, 1], [0.5f], 1, 1, 2));
        // Stride 2: [1, 1, 2, 2]; output padding 1 adds a column nothing lands on: the bias alone.
        Assert.Equal(new[] { 1.5f, 1.5f, 2.5f, 2.5f, 0.5f },
            Run(new ConvTranspose2dSpec(1, 1, new Size2D(1, 2), stride: new Size2D(1, 2), outputPadding: new OutputPadding2D(0, 1)), [1, 2], [1, 1], [0.5f], 1, 1, 2));
        // Dilation 3 spreads the taps: [1, 2, 0, 1, 2] for row [1, 2].
        Assert.Equal(new[] { 1f, 2f, 0f, 1f, 2f },
            Run(new ConvTranspose2dSpec(1, 1, new Size2D(1, 2), dilation: new Size2D(1, 3), bias: false), [1, 2], [1, 1], [], 1, 1, 2));
    }

    [Fact]
    public void Weights_are_in_out_per_group_and_a_group_reaches_only_its_outputs()
    {
        // 4 inputs, 2 groups, 3 outputs per group, 1x1 kernel on a 1x1 image: out[g·3 + o] = Σ_i in[g·2 + i] · w[g·2 + i, o].
        float[] w = Enumerable.Range(1, 12).Select(v => (float)v).ToArray(); // (in=4, out/groups=3, 1, 1)
        float[] output = Run(new ConvTranspose2dSpec(4, 6, 1, groups: 2, bias: false), [1, 10, 100, 1000], w, [], 1, 1, 1);
        Assert.Equal(new float[] { 1 * 1 + 10 * 4, 1 * 2 + 10 * 5, 1 * 3 + 10 * 6, 100 * 7 + 1000 * 10, 100 * 8 + 1000 * 11, 100 * 9 + 1000 * 12 }, output);
        // Depthwise with multiplier 2: input channel c feeds outputs 2c and 2c + 1.
        output = Run(ConvTranspose2dSpec.Depthwise(2, 1, multiplier: 2, bias: false), [3, 5], [1, 2, 3, 4], [], 1, 1, 1);
        Assert.Equal(new float[] { 3, 6, 15, 20 }, output);
    }

    [Fact]
    public void Both_layouts_and_the_activation_give_the_same_values()
    {
        var spec = new ConvTranspose2dSpec(3, 2, 3, stride: 2, padding: Padding2D.Explicit(1, 0, 2, 1), outputPadding: 1, activation: Activation.ReLU6);
        var r = new Random(5);
        float[] w = Enumerable.Range(0, spec.WeightCount).Select(_ => (float)r.Next(-2, 3)).ToArray();
        float[] b = [1, -1];
        float[] nchw = Enumerable.Range(0, 2 * 3 * 4 * 5).Select(_ => (float)r.Next(-3, 4)).ToArray();
        float[] nhwc = ToNhwc(nchw, 2, 3, 4, 5);
        ConvGeometry g = spec.Geometry(2, 4, 5);
        float[] a = Run(spec, nchw, w, b, 2, 4, 5), c = Run(spec, nhwc, w, b, 2, 4, 5, TensorLayout.Nhwc);
        Assert.Equal(ToNhwc(a, 2, 2, g.OutHeight, g.OutWidth), c);
        Assert.All(a, v => Assert.InRange(v, 0, 6));
        Assert.Contains(a, v => v is > 0 and < 6);
    }

    private static float[] ToNhwc(float[] nchw, int n, int c, int h, int w)
    {
        var nhwc = new float[nchw.Length];
        for (int i = 0; i < nchw.Length; i++)
        {
            var (b, ch, y, x) = ExpectedConvTranspose.Coordinates(TensorLayout.Nchw, i, c, h, w);
            nhwc[ExpectedConvolution.Index(TensorLayout.Nhwc, b, ch, y, x, c, h, w)] = nchw[i];
        }
        return nhwc;
    }
}
