using Xunit;

namespace NativeConv.Tests;

/// <summary>
/// Quantized networks and layers take None, ReLU, ReLU6 and clamps only: sigmoid, SiLU, GELU and tanh are refused with
/// a message naming the activation (and, in a network, the operation), before calibration runs anything; so are an add
/// with one after it and a standalone activation.
/// </summary>
public class QuantizedActivationRefusalTests
{
    private static readonly float[][] Calibration = [new float[4 * 8 * 8]];

    [Fact]
    public void A_convolution_with_a_smooth_activation_is_refused()
    {
        foreach (Activation activation in ActivationCases.Smooth)
        {
            Conv2dSpec spec = Conv2dSpec.Depthwise(4, 3, padding: 1, activation: activation);
            var block = new ConvBlock("features.0", spec, new float[36], new float[4]);
            var e = Assert.Throws<NotSupportedException>(() => QuantizedNetwork<byte>.Calibrate([block], Calibration, 8, 8, new ReferenceBackend()));
            Assert.Contains("'features.0'", e.Message);
            Assert.Contains($"{activation} has no quantized form here", e.Message);
            e = Assert.Throws<NotSupportedException>(() => new QuantizedConv2dLayer<sbyte>(new QuantizedConvWeights(spec, new sbyte[36], [0.01f, 0.01f, 0.01f, 0.01f], new int[4]),
                new QuantizationParameters(0.02f, 0), new QuantizationParameters(0.02f, 0), new ReferenceBackend()));
            Assert.Contains($"{activation} has no quantized form here", e.Message);
        }
    }

    [Fact]
    public void An_add_with_an_activation_and_a_standalone_activation_are_refused()
    {
        foreach (Activation activation in ActivationCases.Smooth)
        {
            var g = new GraphBuilder();
            Value x = g.Input("x", 4);
            Value conv = g.Conv2d(x, Conv2dSpec.Pointwise(4, 4), new float[16], new float[4], "pw");
            g.Output(g.Add(conv, x, activation, "residual"));
            var e = Assert.Throws<NotSupportedException>(() => QuantizedCalibration.Calibrate<byte>(g.Build(), Calibration, 8, 8, new ReferenceBackend(), TensorLayout.Nchw, 8));
            Assert.Contains("'residual'", e.Message);
            Assert.Contains($"a quantized add runs without an activation after it, not {activation}", e.Message);

            g = new GraphBuilder();
            g.Output(g.Activation(g.Conv2d(g.Input("x", 4), Conv2dSpec.Pointwise(4, 4), new float[16], new float[4], "pw"), activation, "act"));
            e = Assert.Throws<NotSupportedException>(() => QuantizedCalibration.Calibrate<byte>(g.Build(), Calibration, 8, 8, new ReferenceBackend(), TensorLayout.Nchw, 8));
            Assert.Contains($"'act' ({activation})", e.Message);
        }
    }
}
