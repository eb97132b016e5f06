using NativeConv.Npy;
using Xunit;

namespace NativeConv.Cli.Tests;

/// <summary>
/// `nativeconv run` on .npy files written by NumPy, against torch.nn.functional.conv2d on the same
/// arrays, on every backend.
///
/// Tolerance: both results are float32 evaluations of the same sums. Each is within ErrorBound of the
/// exact value (γ_(n+1)·Σ|w·x| for the accumulation in any order, plus the activation's roundings;
/// see ErrorBound), so they are within twice that bound of each other: for sigmoid, SiLU, GELU and tanh
/// PyTorch's own float32 kernels were measured over every float input within the same ActivationErrors as
/// ours (tests/NativeConv.Benchmarks/Activations/torch_activation_errors.py). The exact value and Σ|w·x|
/// come from a double-precision evaluation of the very arrays in the files.
/// </summary>
public class TorchCrossCheckTests
{
    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (string name in new[]
                 {
                     "depthwise_s2_relu6_nchw", "pointwise_channels_last", "grouped_dilated_same_hardswish", "multiplier2_5x5_unbatched_relu",
                     "full_3x3_valid_clamp_nhwc", "even_kernel_same_nchw", "depthwise_mobilenet_block_nhwc", "squeeze_excite_gate_hardsigmoid",
                     "depthwise_sigmoid_nhwc", "pointwise_silu_nchw", "full_5x5_s2_gelu_nhwc", "grouped_same_tanh_nchw",
                 })
        foreach (string backend in NativeConvBuilder.BuiltIn().Names) // what the CLI registers
            data.Add(name, backend);
        return data;
    }

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void Run_matches_PyTorch_within_the_derived_bound(string name, string backend)
    {
        TorchPeer.Case c = TorchPeer.Convolutions.Get(name);
        string dir = TorchPeer.Convolutions.Directory;
        string File(string what) => Path.Combine(dir, $"{name}.{what}.npy");
        string output = Path.Combine(dir, $"{name}.{backend}.npy");
        string[] args =
        [
            "run", "--input", File("x"), "--weights", File("w"), "--output", output, "--backend", backend, "--threads", "2",
            .. c.Bias ? new[] { "--bias", File("b") } : [], .. c.Flags,
        ];
        RunOptions options = RunOptions.Parse(new CommandLine(args, 1, RunOptions.ValueFlags, RunOptions.Switches));
        if (!TryRun(options, out string? unavailable))
        {
            Skip.If(!string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase), unavailable);
            throw new InvalidOperationException(unavailable);
        }

        NpyArray ours = NpyFile.Read(output), torch = NpyFile.Read(File("torch"));
        Assert.Equal(torch.Shape, ours.Shape);

        NpyArray x = NpyFile.Read(File("x")), w = NpyFile.Read(File("w"));
        float[] bias = c.Bias ? NpyFile.Read(File("b")).Data : [];
        int[] s = x.Rank == 4 ? x.Shape : [1, .. x.Shape];
        (int n, int ch, int h, int wd) = options.Layout == TensorLayout.Nchw ? (s[0], s[1], s[2], s[3]) : (s[0], s[3], s[1], s[2]);
        var spec = new Conv2dSpec(ch, w.Shape[0], new Size2D(w.Shape[2], w.Shape[3]), options.Stride, options.Padding, options.Dilation,
            options.Groups, c.Bias, options.Activation);
        ConvGeometry g = spec.Geometry(n, h, wd);
        var (pre, absSum) = ExpectedConvolution.Compute(spec, options.Layout, g, x.Data, w.Data, bias);

        for (int i = 0; i < ours.Data.Length; i++)
        {
            double bound = 2 * ErrorBound.For(spec, pre[i], absSum[i], integerData: false);
            double diff = Math.Abs((double)ours.Data[i] - torch.Data[i]);
            Assert.True(diff <= bound, $"{name} on {backend}: output {i}: ours {ours.Data[i]:R}, torch {torch.Data[i]:R}, |diff| {diff:e3} > bound {bound:e3}");
        }
        Assert.True(ours.Data.Length > 0);
        Assert.Contains(ours.Data, v => v != 0); // the comparison saw real values, not an all-zero output
    }

    private static bool TryRun(RunOptions options, out string? unavailable)
    {
        using var backends = new ConvBackends(new NativeConvOptions { Threads = 1 });
        if (options.Backend != "auto" && !backends.TryGet(options.Backend, out _, out string? reason))
        {
            unavailable = $"backend {options.Backend} unavailable: {reason}";
            return false;
        }
        Assert.Equal(0, RunCommand.Run(options, TextWriter.Null));
        unavailable = null;
        return true;
    }
}
