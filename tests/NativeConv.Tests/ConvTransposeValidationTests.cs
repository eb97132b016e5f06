using Xunit;

namespace NativeConv.Tests;

/// <summary>
/// Invalid transposed convolutions and arguments are refused with an <see cref="ArgumentException"/> naming the argument
/// (and, where there is one, the shape), before any backend code runs: in the spec's constructor, in its geometry, in
/// <see cref="ConvBackend.CreateTransposed"/> and in the kernel's Forward.
/// </summary>
public class ConvTransposeValidationTests
{
    private static readonly ConvTranspose2dSpec Up = new(4, 2, 3, stride: 2, padding: 1, outputPadding: 1); // 5x5 -> 10x10
    private static readonly float[] W = new float[4 * 2 * 9], B = new float[2];

    // (name, expected exception, parameter name, message fragment or null, misuse)
    public static readonly (string Name, Type Exception, string Param, string? Fragment, Action Act)[] SpecCatalogue =
    [
        ("output padding as large as the stride and the dilation", typeof(ArgumentException), "outputPadding", "smaller than the stride 2x2 or the dilation 1x1",
            () => _ = new ConvTranspose2dSpec(4, 4, 3, stride: 2, outputPadding: 2)),
        ("output padding too large on one axis", typeof(ArgumentException), "outputPadding", null,
            () => _ = new ConvTranspose2dSpec(4, 4, 3, stride: new Size2D(2, 1), outputPadding: new OutputPadding2D(1, 1))),
        ("output padding with stride 1 and dilation 1", typeof(ArgumentException), "outputPadding", null, () => _ = new ConvTranspose2dSpec(4, 4, 3, outputPadding: 1)),
        ("negative output padding", typeof(ArgumentOutOfRangeException), "Height", "must not be negative", () => _ = new OutputPadding2D(-1, 0)),
        ("groups not dividing the input channels", typeof(ArgumentException), "groups", "must divide inChannels (6)", () => _ = new ConvTranspose2dSpec(6, 8, 3, groups: 4)),
        ("groups not dividing the output channels", typeof(ArgumentException), "groups", "must divide outChannels (6)", () => _ = new ConvTranspose2dSpec(8, 6, 3, groups: 4)),
        ("zero input channels", typeof(ArgumentOutOfRangeException), "inChannels", null, () => _ = new ConvTranspose2dSpec(0, 4, 3)),
        ("zero output channels", typeof(ArgumentOutOfRangeException), "outChannels", null, () => _ = new ConvTranspose2dSpec(4, 0, 3)),
        ("zero groups", typeof(ArgumentOutOfRangeException), "groups", null, () => _ = new ConvTranspose2dSpec(4, 4, 3, groups: 0)),
        ("no kernel", typeof(ArgumentException), "kernel", "must be given", () => _ = new ConvTranspose2dSpec(4, 4, default)),
        ("zero stride", typeof(ArgumentOutOfRangeException), "height", null, () => _ = new ConvTranspose2dSpec(4, 4, 3, stride: new Size2D(0, 1))),
        ("Same padding", typeof(ArgumentException), "padding", "not Same", () => _ = new ConvTranspose2dSpec(4, 4, 3, padding: Padding2D.Same)),
        ("depthwise multiplier 0", typeof(ArgumentOutOfRangeException), "multiplier", null, () => _ = ConvTranspose2dSpec.Depthwise(4, 3, multiplier: 0)),
        ("an output the padding crops away", typeof(ArgumentException), "height", "on input 1x4x2x2 would be -2x-2", () => new ConvTranspose2dSpec(4, 4, 3, padding: 3).Geometry(1, 2, 2)),
        ("an output cropped away on one axis", typeof(ArgumentException), "width", "would be 6x-1",
            () => new ConvTranspose2dSpec(4, 4, 3, padding: Padding2D.Symmetric(0, 2)).Geometry(1, 4, 1)),
        ("zero height", typeof(ArgumentOutOfRangeException), "height", "input 1x4x0x5", () => Up.Geometry(1, 0, 5)),
        ("zero batch", typeof(ArgumentOutOfRangeException), "batch", null, () => Up.Geometry(0, 5, 5)),
        ("an output past the largest span", typeof(ArgumentException), "batch", "exceeds the largest span", () => Up.Geometry(1000, 1000, 1000)),
    ];

    // (name, expected exception, parameter name or null, message fragment or null, misuse on a backend)
    public static readonly (string Name, Type Exception, string? Param, string? Fragment, Action<ConvBackend> Act)[] SeamCatalogue =
    [
        ("weights one short", typeof(ArgumentException), "weights", "expected 72 weights in PyTorch order (in=4, out/groups=2, kh=3, kw=3), got 71",
            b => b.CreateTransposed(Up, TensorLayout.Nhwc, new float[71], B).Dispose()),
        ("a convolution's weight count for a grouped spec", typeof(ArgumentException), "weights", "(in=4, out/groups=4, kh=3, kw=3)",
            b => b.CreateTransposed(new ConvTranspose2dSpec(4, 8, 3, groups: 2), TensorLayout.Nhwc, new float[8 * 4 * 9 / 2 + 1], new float[8]).Dispose()),
        ("bias shorter than the output channels", typeof(ArgumentException), "bias", "expected 2 bias values", b => b.CreateTransposed(Up, TensorLayout.Nhwc, W, new float[1]).Dispose()),
        ("bias for a bias-free spec", typeof(ArgumentException), "bias", "no bias", b => b.CreateTransposed(Up.WithBias(false), TensorLayout.Nhwc, W, B).Dispose()),
        ("null spec", typeof(ArgumentNullException), "spec", null, b => b.CreateTransposed(null!, TensorLayout.Nhwc, W, B).Dispose()),
        ("undefined layout", typeof(ArgumentOutOfRangeException), "layout", null, b => b.CreateTransposed(Up, (TensorLayout)7, W, B).Dispose()),
        ("Describe with a null spec", typeof(ArgumentNullException), "spec", null, b => b.DescribeTransposed(null!, TensorLayout.Nhwc)),
        ("input one short", typeof(ArgumentException), "input", "NHWC 1x5x5x4 = 100 values, got 99", b => Forward(b, Up.Geometry(1, 5, 5), 99, 200)),
        ("output one short", typeof(ArgumentException), "output", "NHWC 1x10x10x2 = 200 values, got 199", b => Forward(b, Up.Geometry(1, 5, 5), 100, 199)),
        ("a convolution's output size", typeof(ArgumentException), "output", "= 200 values, got 50", b => Forward(b, Up.Geometry(1, 5, 5), 100, 50)),
        ("a made-up geometry", typeof(ArgumentException), "geometry", "expected", b => Forward(b, Up.Geometry(1, 5, 5) with { OutHeight = 9 }, 100, 180)),
        ("a convolution's geometry", typeof(ArgumentException), "geometry", null,
            b => Forward(b, new Conv2dSpec(4, 2, 3, stride: 2, padding: 1).Geometry(1, 5, 5), 100, 18)),
        ("an input the padding crops away", typeof(ArgumentException), "height", "would be", b =>
        {
            using ConvTransposeKernel k = b.CreateTransposed(new ConvTranspose2dSpec(4, 2, 3, padding: 2), TensorLayout.Nhwc, W, B);
            k.Forward(new float[4], new float[2], 1, 1, 1);
        }),
        ("overlapping spans", typeof(ArgumentException), "output", "overlap", b =>
        {
            var data = new float[400];
            Forward(b, Up.Geometry(1, 5, 5), data.AsSpan(0, 100), data.AsSpan(50, 200));
        }),
    ];

    private static void Forward(ConvBackend backend, in ConvGeometry geometry, int inputLength, int outputLength) =>
        Forward(backend, geometry, new float[inputLength], new float[outputLength]);

    private static void Forward(ConvBackend backend, in ConvGeometry geometry, ReadOnlySpan<float> input, Span<float> output)
    {
        using ConvTransposeKernel k = backend.CreateTransposed(Up, TensorLayout.Nhwc, W, B);
        k.Forward(geometry, input, output);
    }

    public static TheoryData<int> SpecCases() => new(Enumerable.Range(0, SpecCatalogue.Length));

    public static TheoryData<string, int> SeamCases() => TestBackends.Rows(TestBackends.Names, Enumerable.Range(0, SeamCatalogue.Length));

    public static TheoryData<string> Backends() => new(TestBackends.Names);

    [Theory]
    [MemberData(nameof(SpecCases))]
    public void An_invalid_spec_or_shape_is_refused_naming_the_argument(int index)
    {
        var entry = SpecCatalogue[index];
        Refusal.Check(entry.Name, entry.Exception, entry.Param, entry.Fragment, entry.Act);
    }

    [Fact]
    public void Output_padding_below_the_dilation_but_not_the_stride_is_valid_as_in_PyTorch()
    {
        var spec = new ConvTranspose2dSpec(2, 2, 3, dilation: 3, outputPadding: 2);
        Assert.Equal(1 + 6 + 2, spec.Geometry(1, 1, 1).OutHeight);
        Assert.Equal(spec, new ConvTranspose2dSpec(2, 2, 3, padding: Padding2D.Valid, dilation: 3, outputPadding: 2)); // Valid: nothing cropped
    }

    [SkippableTheory]
    [MemberData(nameof(SeamCases))]
    public void Misuse_of_the_transposed_seam_is_a_clear_exception(string backendName, int index) =>
        Refusal.Check(backendName, SeamCatalogue[index]);

    [Fact]
    public void Invalid_arguments_never_reach_the_backends_code()
    {
        var spy = new CoreSpy();
        foreach (var entry in SeamCatalogue) Assert.ThrowsAny<Exception>(() => entry.Act(spy));
        // The core made only the valid kernels the forward misuses need (six of Up, one of a cropping spec): nothing invalid reached it.
        Assert.Equal(7, spy.Specs.Count);
        Assert.All(spy.Specs, s => Assert.True(s == Up || s == new ConvTranspose2dSpec(4, 2, 3, padding: 2), $"core reached with {s}"));
    }

    [SkippableTheory]
    [MemberData(nameof(Backends))]
    public void After_every_misuse_the_backend_still_computes_exactly(string backendName)
    {
        ConvBackend backend = TestBackends.GetOrSkip(backendName);
        foreach (var entry in SeamCatalogue) Assert.ThrowsAny<Exception>(() => entry.Act(backend));
        var (expected, actual, _) = ExactRun.Run(backend, Up.WithActivation(Activation.ReLU), 5, 11);
        Assert.Equal(expected, actual);
        Assert.Contains(actual, v => v != 0);
    }

    [Fact]
    public void A_backend_returning_no_kernel_or_another_specs_is_refused()
    {
        var e = Assert.Throws<InvalidOperationException>(() => new WrongKernelBackend(null).CreateTransposed(Up, TensorLayout.Nhwc, W, B));
        Assert.Contains("returned no kernel", e.Message);
        e = Assert.Throws<InvalidOperationException>(() => new WrongKernelBackend(Up.WithActivation(Activation.ReLU)).CreateTransposed(Up, TensorLayout.Nhwc, W, B));
        Assert.Contains("returned a kernel for", e.Message);
    }

    /// <summary>A plugged-in backend that records every spec reaching its transposed core (which is the default: the reference).</summary>
    private sealed class CoreSpy : ConvBackend
    {
        public List<ConvTranspose2dSpec> Specs { get; } = [];

        public override string Name => "core-spy";

        protected override BackendCapabilities DescribeCore(Conv2dSpec spec, TensorLayout layout) => new(Name, []);

        protected override ConvKernel CreateCore(Conv2dSpec spec, TensorLayout layout, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias) =>
            throw new NotSupportedException();

        protected override ConvTransposeKernel CreateTransposedCore(ConvTranspose2dSpec spec, TensorLayout layout, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias)
        {
            Specs.Add(spec);
            return base.CreateTransposedCore(spec, layout, weights, bias);
        }
    }

    /// <summary>A plugged-in backend whose transposed core returns nothing, or a new kernel for another spec.</summary>
    private sealed class WrongKernelBackend(ConvTranspose2dSpec? returns) : ConvBackend
    {
        public override string Name => "wrong-kernel";

        protected override BackendCapabilities DescribeCore(Conv2dSpec spec, TensorLayout layout) => new(Name, []);

        protected override ConvKernel CreateCore(Conv2dSpec spec, TensorLayout layout, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias) =>
            throw new NotSupportedException();

        protected override ConvTransposeKernel CreateTransposedCore(ConvTranspose2dSpec spec, TensorLayout layout, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias) =>
            returns is null ? null! : base.CreateTransposedCore(returns, layout, weights, bias);
    }
}
