using System.Runtime.InteropServices;
using Xunit;

namespace NativeConv.Tests;

/// <summary>
/// oneDNN runs float32 NHWC depthwise convolutions on its jit_dw kernel, not the brdgmm_dw it lists first
/// (<see cref="OneDnnDepthwiseImplementation"/>), on every x64 instruction set it dispatches to here (AVX-512, and
/// AVX2 in the test script's capped pass); other convolutions keep oneDNN's first choice. Each is checked exactly
/// against the reference (integer-valued data: every sum is exact).
/// </summary>
public class DepthwiseImplementationTests
{
    public static TheoryData<int, int, int, int> DepthwiseShapes() => new()
    {
        // channels, kernel, stride, input size: MobileNet v2's first two, v3's 5x5, a deep 7x7 one.
        { 32, 3, 1, 112 }, { 96, 3, 2, 112 }, { 120, 5, 1, 28 }, { 960, 5, 1, 7 },
    };

    [SkippableTheory]
    [MemberData(nameof(DepthwiseShapes))]
    public void A_float32_NHWC_depthwise_convolution_runs_on_jit_dw(int channels, int kernel, int stride, int size)
    {
        ConvBackend backend = TestBackends.GetOrSkip(OneDnnBackend.BackendName);
        Skip.IfNot(RuntimeInformation.ProcessArchitecture == Architecture.X64, "jit_dw is oneDNN's x64 kernel");
        var spec = Conv2dSpec.Depthwise(channels, kernel, stride: stride, padding: kernel / 2, activation: Activation.ReLU6);
        string implementation = RunAgainstReference(backend, spec, size);
        Assert.StartsWith(OneDnnDepthwiseImplementation.Preferred, implementation);
    }

    [SkippableFact]
    public void A_pointwise_convolution_keeps_oneDNNs_first_choice()
    {
        ConvBackend backend = TestBackends.GetOrSkip(OneDnnBackend.BackendName);
        Skip.IfNot(RuntimeInformation.ProcessArchitecture == Architecture.X64, "the names are oneDNN's x64 kernels");
        string implementation = RunAgainstReference(backend, Conv2dSpec.Pointwise(96, 24), 56);
        Assert.StartsWith("brgconv_1x1:", implementation); // oneDNN lists its brgemm 1x1 kernel first on AVX2 and AVX-512
    }

    /// <summary>Runs <paramref name="spec"/> on NHWC <paramref name="size"/>x<paramref name="size"/> input, asserts it equals the reference, and returns the implementation's name.</summary>
    private static string RunAgainstReference(ConvBackend backend, Conv2dSpec spec, int size)
    {
        var (expected, actual, implementation) = ExactRun.Run(backend, spec, size, spec.InChannels * 7 + size);
        Assert.Equal(expected, actual);
        return implementation;
    }
}
