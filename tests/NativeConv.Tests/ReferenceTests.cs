using Xunit;

namespace NativeConv.Tests;

/// <summary>The reference backend on cases computed by hand: no native code involved.</summary>
public class ReferenceTests
{
    // 3x3 depthwise, 2 channels, 4x4, padding 1. Channel 0 input at (y, x) = y*4 + x, weights 1..9, bias 0.5:
    //   (1,1): 1*0 + 2*1 + 3*2 + 4*4 + 5*5 + 6*6 + 7*8 + 8*9 + 9*10 + 0.5 = 303.5
    //   (0,0): 5*0 + 6*1 + 8*4 + 9*5 + 0.5 = 83.5
    [Theory]
    [InlineData(TensorLayout.Nchw)]
    [InlineData(TensorLayout.Nhwc)]
    public void Depthwise_3x3_by_hand(TensorLayout layout)
    {
        const int C = 2, H = 4, W = 4;
        var input = new float[C * H * W];
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++)
                for (int c = 0; c < C; c++)
                    input[ExpectedConvolution.Index(layout, 0, c, y, x, C, H, W)] = c == 0 ? y * 4 + x : 100;
        float[] weights = [1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 0, 0, 0, 1, 0, 0, 0, 0];
        float[] bias = [0.5f, 0];
        var output = new float[C * H * W];
        using var layer = new DepthwiseConv2d(C, 3, weights, bias, new ReferenceBackend(), padding: 1, layout: layout);
        layer.Forward(input, output, 1, H, W);
        Assert.Equal(303.5f, output[ExpectedConvolution.Index(layout, 0, 0, 1, 1, C, H, W)]);
        Assert.Equal(83.5f, output[ExpectedConvolution.Index(layout, 0, 0, 0, 0, C, H, W)]);
        Assert.Equal(100f, output[ExpectedConvolution.Index(layout, 0, 1, 2, 3, C, H, W)]); // channel 1: the centre tap only
    }

    // Pointwise 2 -> 2: y0 = 1*a + 2*b, y1 = -a + 0.5*b + 1 (bias), then ReLU.
    [Fact]
    public void Pointwise_with_relu_by_hand()
    {
        float[] input = [3, -4, 1, 2]; // NCHW 1x2x1x2: a = (3, -4), b = (1, 2)
        float[] weights = [1, 2, -1, 0.5f];
        float[] bias = [0, 1];
        var output = new float[4];
        using var layer = new PointwiseConv2d(2, 2, weights, bias, new ReferenceBackend(), Activation.ReLU);
        layer.Forward(input, output, 1, 1, 2);
        // y0 = (3 + 2, -4 + 4) = (5, 0); y1 = (-3 + 0.5 + 1, 4 + 1 + 1) = (-1.5 -> 0, 6)
        Assert.Equal([5f, 0f, 0f, 6f], output);
    }

    // Stride 2, dilation 2 on a 1-channel 5x5 ramp (value = y*5 + x), 2x2 kernel of ones, no padding:
    // taps (0,0),(0,2),(2,0),(2,2) of each window; output 2x2 at window origins (0,0),(0,2),(2,0),(2,2).
    [Fact]
    public void Stride_and_dilation_by_hand()
    {
        float[] input = Enumerable.Range(0, 25).Select(i => (float)i).ToArray();
        var spec = new Conv2dSpec(1, 1, 2, stride: 2, dilation: 2, bias: false);
        var output = new float[4];
        using var layer = new Conv2dLayer(spec, [1, 1, 1, 1], [], new ReferenceBackend());
        layer.Forward(input, output, 1, 5, 5);
        // origin (0,0): 0 + 2 + 10 + 12 = 24; (0,2): 2 + 4 + 12 + 14 = 32; (2,0): 10+12+20+22 = 64; (2,2): 12+14+22+24 = 72
        Assert.Equal([24f, 32f, 64f, 72f], output);
    }

    [Fact]
    public void HardSwish_and_clamp_values()
    {
        Assert.Equal(0, Activation.HardSwish.Apply(-3));
        Assert.Equal(4, Activation.HardSwish.Apply(4));
        Assert.Equal(1 * 4 / 6.0, Activation.HardSwish.Apply(1), 15);
        Assert.Equal(-1, Activation.Clamp(-1, 2).Apply(-7));
        Assert.Equal(6, Activation.ReLU6.Apply(7.5));
    }
}
