using Xunit;

namespace NativeConv.Cli.Tests;

public class RunOptionsTests
{
    private static RunOptions Parse(params string[] flags) =>
        RunOptions.Parse(new CommandLine(["run", "--input", "x.npy", "--weights", "w.npy", "--output", "y.npy", .. flags], 1,
            RunOptions.ValueFlags, RunOptions.Switches));

    [Fact]
    public void Defaults_are_PyTorchs()
    {
        RunOptions o = Parse();
        Assert.Equal(new Size2D(1, 1), o.Stride);
        Assert.Equal(Padding2D.Symmetric(0), o.Padding);
        Assert.Equal(new Size2D(1, 1), o.Dilation);
        Assert.Equal(1, o.Groups);
        Assert.Equal(Activation.None, o.Activation);
        Assert.Equal(TensorLayout.Nchw, o.Layout);
        Assert.Equal("auto", o.Backend);
        Assert.Null(o.Bias);
    }

    [Fact]
    public void Parses_pairs_padding_modes_and_activations()
    {
        RunOptions o = Parse("--stride", "2,1", "--padding", "same", "--dilation", "3", "--groups", "4",
            "--activation", "clamp:-1.5,2", "--layout", "nhwc", "--backend", "xnnpack", "--check");
        Assert.Equal(new Size2D(2, 1), o.Stride);
        Assert.Equal(Padding2D.Same, o.Padding);
        Assert.Equal(new Size2D(3, 3), o.Dilation);
        Assert.Equal(4, o.Groups);
        Assert.Equal(Activation.Clamp(-1.5f, 2), o.Activation);
        Assert.Equal(TensorLayout.Nhwc, o.Layout);
        Assert.True(o.Check);
        Assert.Equal(Padding2D.Symmetric(2, 1), Parse("--padding", "2,1").Padding);
        Assert.Equal(Padding2D.Valid, Parse("--padding", "valid").Padding);
        Assert.Equal(Activation.HardSwish, Parse("--activation", "hardswish").Activation);
        Assert.Equal(Activation.Sigmoid, Parse("--activation", "sigmoid").Activation);
        Assert.Equal(Activation.SiLU, Parse("--activation", "silu").Activation);
        Assert.Equal(Activation.GELU, Parse("--activation", "gelu").Activation);
        Assert.Equal(Activation.Tanh, Parse("--activation", "tanh").Activation);
    }

    [Theory]
    [InlineData("--stride", "0", "--stride")]
    [InlineData("--stride", "1,2,3", "--stride")]
    [InlineData("--padding", "-1", "--padding")]
    [InlineData("--padding", "full", "--padding")]
    [InlineData("--dilation", "x", "--dilation")]
    [InlineData("--groups", "two", "--groups")]
    [InlineData("--activation", "swish", "--activation")]
    [InlineData("--activation", "gelu_tanh", "--activation")]
    [InlineData("--activation", "clamp:1", "--activation")]
    [InlineData("--layout", "chwn", "--layout")]
    [InlineData("--strides", "2", "unknown argument '--strides'")]
    public void Bad_flags_are_rejected_naming_the_flag(string flag, string value, string expected)
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => Parse(flag, value));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Missing_required_files_and_values_are_named()
    {
        Assert.Contains("--weights is required", Assert.Throws<ArgumentException>(() =>
            RunOptions.Parse(new CommandLine(["run", "--input", "x.npy", "--output", "y.npy"], 1, RunOptions.ValueFlags, RunOptions.Switches))).Message);
        Assert.Contains("--groups needs a value", Assert.Throws<ArgumentException>(() => Parse("--groups")).Message);
        Assert.Contains("min (2) must not exceed max (1)", Assert.ThrowsAny<ArgumentException>(() => Parse("--activation", "clamp:2,1")).Message);
    }
}
