using Xunit;

namespace NativeConv.Tests;

/// <summary>
/// When oneDNN's int8 kernel leaves out the activation's clamp: only where saturating to the output type
/// clamps the same (the exactness argument is on <see cref="OneDnnQuantizedKernel{T}.ClampIsSaturation"/>;
/// the int8 conformance cases then hold the results to the exact reference). Cases computed by hand from
/// Min ≤ s·(qmin − z + ¼) and Max ≥ s·(qmax − z − ¼).
/// </summary>
public class ClampIsSaturationTests
{
    [Theory]
    [InlineData(ActivationKind.ReLU6, 6.0 / 255, 0, true)]       // calibrated 0..6: [0, 255] is exactly [0, 6]
    [InlineData(ActivationKind.ReLU6, 5.0 / 255, 0, true)]       // calibrated 0..5: the type saturates below 6
    [InlineData(ActivationKind.ReLU6, 6.1 / 255, 0, false)]      // 255 would stand for 6.1: the clamp at 6 bites
    [InlineData(ActivationKind.ReLU6, 6.0 / 254.6, 0, false)]    // 6 quantizes to 254.6, within a quarter step of the boundary: kept
    [InlineData(ActivationKind.ReLU6, 6.0 / 255, 3, false)]      // 0..2 stand for negatives: the clamp at 0 bites
    [InlineData(ActivationKind.ReLU, 0.05, 0, true)]             // no upper bound
    [InlineData(ActivationKind.None, 0.05, 0, false)]            // nothing to leave out
    [InlineData(ActivationKind.HardSwish, 0.05, 0, false)]       // not a clamp
    public void Uint8(ActivationKind kind, double scale, int zeroPoint, bool expected)
    {
        Activation activation = kind switch
        {
            ActivationKind.ReLU6 => Activation.ReLU6,
            ActivationKind.ReLU => Activation.ReLU,
            ActivationKind.HardSwish => Activation.HardSwish,
            _ => Activation.None,
        };
        Assert.Equal(expected, OneDnnQuantizedKernel<byte>.ClampIsSaturation(activation, new QuantizationParameters((float)scale, zeroPoint)));
    }

    [Theory]
    [InlineData(6.0 / 255, -128, true)]  // int8 with 0 at −128: the same range as uint8 with 0 at 0
    [InlineData(6.0 / 255, -127, false)] // −128 stands for a negative value
    [InlineData(6.0 / 127, 0, false)]    // half the range lies below 0
    public void Int8_relu6(double scale, int zeroPoint, bool expected) =>
        Assert.Equal(expected, OneDnnQuantizedKernel<sbyte>.ClampIsSaturation(Activation.ReLU6, new QuantizationParameters((float)scale, zeroPoint)));

    [Fact]
    public void Clamp_with_its_own_bounds()
    {
        // clamp(−1, 1) on int8 with scale 1/127.5 and zero point 0: the type spans [−128/127.5, 127/127.5], inside [−1, 1] only at the top.
        Assert.False(OneDnnQuantizedKernel<sbyte>.ClampIsSaturation(Activation.Clamp(-1, 1), new QuantizationParameters(1 / 127.5f, 0)));
        Assert.True(OneDnnQuantizedKernel<sbyte>.ClampIsSaturation(Activation.Clamp(-2, 2), new QuantizationParameters(1 / 127.5f, 0)));
    }
}
