using NativeConv.Npy;
using Xunit;

namespace NativeConv.Cli.Tests;

/// <summary>
/// The transposed-convolution layer on .npy files written by NumPy, against torch.nn.functional.conv_transpose2d
/// evaluated in float64 on the same arrays (torch_transposed_cases.py), on every built-in backend.
///
/// Tolerance: PyTorch's value is the exact result rounded once to float32; ours is a float32 evaluation within
/// ErrorBound of the exact value (γ_(n+1)·Σ|w·x| with n the accumulation length, plus the activation's roundings); so
/// the two are within twice that bound of each other. The exact value and Σ|w·x| come from a double-precision
/// evaluation of the very arrays in the files.
/// </summary>
public class TorchTransposedCrossCheckTests
{
    public static TheoryData<string, string> Cases() => TestBackends.Rows(
        [
            "depthwise_4x4_s2_relu6_nchw", "grouped_dilated_hardswish_nhwc", "asymmetric_crop_nonsquare_nchw",
            "output_padding_beyond_stride_clamp_nhwc", "multiplier3_dilated_s3_relu_nchw", "unet_2x2_s2_nhwc",
            "stride_wider_than_kernel_hardsigmoid_nchw", "upsample_4x4_s2_gelu_nhwc", "depthwise_3x3_s2_silu_nchw", "grouped_sigmoid_nhwc",
            "dilated_tanh_nchw",
        ],
        NativeConvBuilder.BuiltIn().Names); // what the CLI registers

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void Layer_matches_PyTorch_within_the_derived_bound(string name, string backendName)
    {
        TorchPeer.Case c = TorchPeer.TransposedConvolutions.Get(name);
        string File(string what) => Path.Combine(TorchPeer.TransposedConvolutions.Directory, $"{name}.{what}.npy");
        ConvBackend backend = TestBackends.GetOrSkip(backendName);
        NpyArray x = NpyFile.Read(File("x")), w = NpyFile.Read(File("w")), torch = NpyFile.Read(File("torch"));
        float[] bias = c.Bias ? NpyFile.Read(File("b")).Data : [];
        TensorLayout layout = c.Flag("--layout") == "nhwc" ? TensorLayout.Nhwc : TensorLayout.Nchw;
        (int n, int channels, int h, int wd) = layout == TensorLayout.Nchw
            ? (x.Shape[0], x.Shape[1], x.Shape[2], x.Shape[3])
            : (x.Shape[0], x.Shape[3], x.Shape[1], x.Shape[2]);
        int[] stride = c.Integers("--stride"), pad = c.Integers("--padding"), outputPadding = c.Integers("--output-padding"), dilation = c.Integers("--dilation");
        int groups = c.Integers("--groups")[0];
        var spec = new ConvTranspose2dSpec(channels, w.Shape[1] * groups, new Size2D(w.Shape[2], w.Shape[3]), new Size2D(stride[0], stride[1]),
            Padding2D.Explicit(pad[0], pad[1], pad[2], pad[3]), new OutputPadding2D(outputPadding[0], outputPadding[1]),
            new Size2D(dilation[0], dilation[1]), groups, c.Bias, RunOptions.ParseActivation(c.Flag("--activation")));

        ConvGeometry g = spec.Geometry(n, h, wd);
        int[] shape = layout == TensorLayout.Nchw ? [n, g.OutChannels, g.OutHeight, g.OutWidth] : [n, g.OutHeight, g.OutWidth, g.OutChannels];
        Assert.Equal(torch.Shape, shape);
        var ours = new float[g.OutputLength];
        using (var layer = new ConvTranspose2dLayer(spec, w.Data, bias, backend, layout))
            layer.Forward(x.Data, ours, n, h, wd);

        var (pre, absSum) = ExpectedConvTranspose.Compute(spec, layout, g, x.Data, w.Data, bias);
        for (int i = 0; i < ours.Length; i++)
        {
            double bound = 2 * ErrorBound.For(spec, pre[i], absSum[i], integerData: false);
            double diff = Math.Abs((double)ours[i] - torch.Data[i]);
            Assert.True(diff <= bound, $"{name} on {backendName}: output {i}: ours {ours[i]:R}, torch {torch.Data[i]:R}, |diff| {diff:e3} > bound {bound:e3}");
        }
        Assert.Contains(ours, v => v != 0); // the comparison saw real values, not an all-zero output
    }
}
