using Xunit;

namespace NativeConv.Tests;

/// <summary>Parameter and FLOP counts from the seed documents, geometry, and spec validation.</summary>
public class SpecTests
{
    [Fact]
    public void Standard_3x3_conv_3_to_4_has_108_weights_and_its_separable_replacement_39()
    {
        var standard = new Conv2dSpec(3, 4, 3, bias: false);
        var depthwise = Conv2dSpec.Depthwise(3, 3, bias: false);
        var pointwise = Conv2dSpec.Pointwise(3, 4, bias: false);
        Assert.Equal(108, standard.ParameterCount);
        Assert.Equal(27, depthwise.ParameterCount);
        Assert.Equal(12, pointwise.ParameterCount);
        Assert.Equal(39, depthwise.ParameterCount + pointwise.ParameterCount);
    }

    [Fact]
    public void Parameter_counts_with_bias_match_the_seed_numbers()
    {
        Assert.Equal(9030, new Conv2dSpec(3, 30, 10).ParameterCount);
        Assert.Equal(3030, new Conv2dSpec(3, 30, 10, groups: 3).ParameterCount);
        Assert.Equal(120, Conv2dSpec.Pointwise(3, 30).ParameterCount);
        Assert.Equal(303, Conv2dSpec.Depthwise(3, 10).ParameterCount);
        Assert.Equal(423, Conv2dSpec.Depthwise(3, 10).ParameterCount + Conv2dSpec.Pointwise(3, 30).ParameterCount);
    }

    [Theory]
    [InlineData(32, 64, 3, 112)]
    [InlineData(512, 512, 3, 14)]
    [InlineData(3, 30, 10, 20)]
    public void Separable_over_standard_flops_is_one_over_cout_plus_one_over_k_squared(int cin, int cout, int k, int size)
    {
        var padding = Padding2D.Same;
        long standard = new Conv2dSpec(cin, cout, k, padding: padding).Flops(1, size, size);
        long separable = Conv2dSpec.Depthwise(cin, k, padding: padding).Flops(1, size, size) + Conv2dSpec.Pointwise(cin, cout).Flops(1, size, size);
        // Integer FLOP counts: the ratio is exact up to the division itself.
        Assert.Equal(1.0 / cout + 1.0 / (k * k), (double)separable / standard, 12);
    }

    [Theory]
    [InlineData(112, 3, 1, 1, 1, 112)]   // MobileNet dw, pad 1
    [InlineData(112, 3, 2, 1, 1, 56)]    // strided
    [InlineData(14, 3, 1, 2, 2, 14)]     // dilated, pad = dilation
    [InlineData(7, 7, 1, 0, 1, 1)]       // kernel as large as the input
    public void Explicit_padding_geometry(int size, int k, int stride, int pad, int dilation, int expected)
    {
        var spec = Conv2dSpec.Depthwise(8, k, stride: stride, padding: pad, dilation: dilation);
        ConvGeometry g = spec.Geometry(1, size, size);
        Assert.Equal(expected, g.OutHeight);
        Assert.Equal(expected, g.OutWidth);
    }

    [Theory]
    [InlineData(112, 3, 2, 56, 0, 1)]  // TF 'same': the extra row goes to the bottom
    [InlineData(113, 3, 2, 57, 1, 1)]
    [InlineData(10, 5, 1, 10, 2, 2)]
    [InlineData(1, 7, 2, 1, 3, 3)]
    public void Same_padding_gives_ceil_of_input_over_stride(int size, int k, int stride, int expected, int top, int bottom)
    {
        ConvGeometry g = Conv2dSpec.Depthwise(4, k, stride: stride, padding: Padding2D.Same).Geometry(2, size, size);
        Assert.Equal((expected, top, bottom), (g.OutHeight, g.PadTop, g.PadBottom));
    }

    [Fact]
    public void Asymmetric_padding_and_valid()
    {
        ConvGeometry g = new Conv2dSpec(2, 2, new Size2D(3, 5), padding: Padding2D.Explicit(0, 1, 2, 3)).Geometry(1, 10, 10);
        Assert.Equal((10 + 0 + 2 - 3) + 1, g.OutHeight);
        Assert.Equal((10 + 1 + 3 - 5) + 1, g.OutWidth);
        ConvGeometry v = new Conv2dSpec(2, 2, 3, stride: 2, padding: Padding2D.Valid).Geometry(1, 9, 8);
        Assert.Equal((4, 3), (v.OutHeight, v.OutWidth));
    }

    [Fact]
    public void Invalid_specs_are_rejected_naming_the_argument()
    {
        Assert.Equal("groups", Assert.Throws<ArgumentException>(() => new Conv2dSpec(6, 4, 3, groups: 4)).ParamName);
        Assert.Equal("inChannels", Assert.Throws<ArgumentOutOfRangeException>(() => new Conv2dSpec(0, 4, 3)).ParamName);
        Assert.Equal("multiplier", Assert.Throws<ArgumentOutOfRangeException>(() => Conv2dSpec.Depthwise(4, 3, multiplier: 0)).ParamName);
        Assert.Equal("height", Assert.Throws<ArgumentOutOfRangeException>(() => new Size2D(0, 3)).ParamName);
        Assert.Equal("padding", Assert.Throws<ArgumentException>(() => new Conv2dSpec(1, 1, 3, padding: 3)).ParamName);
        var e = Assert.Throws<ArgumentException>(() => new Conv2dSpec(1, 1, 5).Geometry(1, 3, 3));
        Assert.Equal("height", e.ParamName);
        Assert.Contains("1x1x3x3", e.Message);
    }

    [Fact]
    public void Clamp_bounds_are_validated()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Activation.Clamp(float.NaN, 1));
        Assert.Throws<ArgumentException>(() => Activation.Clamp(2, 1));
        Assert.Equal(-1, Activation.Clamp(-1, 1).Min);
    }
}
