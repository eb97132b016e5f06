using Xunit;
using Xunit.Abstractions;

namespace NativeConv.Tests;

/// <summary>
/// The transposed-convolution layer on every backend: shapes that change between calls, what each backend says it
/// bridges, the reference fallback of a plugged-in backend, and which implementation the native libraries pick for
/// typical decoder shapes (printed, and written to artifacts/conformance-summary.txt).
/// </summary>
public class ConvTransposeLayerTests(ITestOutputHelper output, ConformanceSummary summary) : IClassFixture<ConformanceSummary>
{
    public static TheoryData<string> AllBackends() => new(TestBackends.Names);

    public static TheoryData<string, TensorLayout> BackendsAndLayouts() => TestBackends.Rows(TestBackends.Names, TestBackends.Layouts);

    [SkippableTheory]
    [MemberData(nameof(BackendsAndLayouts))]
    public void Shapes_can_change_between_calls_and_inputs_are_never_modified(string backendName, TensorLayout layout)
    {
        ConvBackend backend = TestBackends.GetOrSkip(backendName);
        // Stride 2 with output padding past the end padding on one axis, and output padding a whole stride beyond the full
        // output on the other (stride 1, dilation 2): both ways oneDNN and XNNPACK are given output padding.
        var spec = new ConvTranspose2dSpec(6, 4, new Size2D(3, 2), stride: new Size2D(2, 1), padding: Padding2D.Explicit(1, 0, 0, 0),
            outputPadding: new OutputPadding2D(1, 1), dilation: new Size2D(1, 2), groups: 2, activation: Activation.ReLU6);
        float[] weights = Enumerable.Range(0, spec.WeightCount).Select(i => (float)(i % 5 - 2)).ToArray();
        float[] bias = [1, -2, 3, 0];
        using var layer = new ConvTranspose2dLayer(spec, weights, bias, backend, layout);
        using var reference = new ConvTranspose2dLayer(spec, weights, bias, new ReferenceBackend(), layout);
        foreach (var (n, h, w) in new[] { (1, 5, 5), (2, 9, 4), (1, 5, 5), (1, 1, 1), (3, 8, 13), (2, 9, 4) })
        {
            float[] input = Enumerable.Range(0, n * h * w * 6).Select(i => (float)((i * 7 + h) % 9 - 4)).ToArray();
            float[] copy = input.ToArray();
            ConvGeometry g = layer.Geometry(n, h, w);
            Assert.Equal(new TensorShape(n, 4, g.OutHeight, g.OutWidth), layer.OutputShape(new TensorShape(n, 6, h, w)));
            var expected = new float[g.OutputLength];
            var actual = new float[g.OutputLength];
            reference.Forward(input, expected, n, h, w);
            layer.Forward(input, actual, n, h, w);
            Assert.Equal(copy, input);
            Assert.Equal(expected, actual); // integer data: exact
            Assert.Contains(actual, v => v is not 0 and not 6); // the comparison is not between two clamped tensors
        }
        output.WriteLine($"{backendName} {layout}: {layer.ImplementationName}; {layer.Capabilities}");
        var e = Assert.Throws<ArgumentException>(() => layer.OutputShape(new TensorShape(1, 5, 4, 4)));
        Assert.Equal("input", e.ParamName);
        Assert.Contains("takes 6 channels, not the 5", e.Message);
    }

    [SkippableTheory]
    [MemberData(nameof(AllBackends))]
    public void Disposed_layers_refuse_work_and_outlive_their_backend(string backendName)
    {
        TestBackends.GetOrSkip(backendName); // skips a missing library
        var spec = new ConvTranspose2dSpec(4, 2, 3, stride: 2, padding: 1, outputPadding: 1);
        float[] weights = Enumerable.Range(0, spec.WeightCount).Select(i => (float)(i % 3 - 1)).ToArray(), bias = [1, 2];
        using ConvBackends own = TestBackends.Registry.Build();
        ConvBackend backend = own.Get(backendName);
        var layer = new ConvTranspose2dLayer(spec, weights, bias, backend, TensorLayout.Nhwc);
        using var survivor = new ConvTranspose2dLayer(spec, weights, bias, backend, TensorLayout.Nhwc);
        layer.Forward(new float[100], new float[200], 1, 5, 5);
        layer.Dispose();
        layer.Dispose(); // twice: harmless
        Assert.Throws<ObjectDisposedException>(() => layer.Forward(new float[100], new float[200], 1, 5, 5));
        own.Dispose();
        Assert.Throws<ObjectDisposedException>(() => backend.CreateTransposed(spec, TensorLayout.Nhwc, weights, bias));
        var output = new float[200];
        survivor.Forward(Enumerable.Repeat(1f, 100).ToArray(), output, 1, 5, 5); // made before: holds its own references
        Assert.Contains(output, v => v != 1 && v != 2);
    }

    /// <summary>
    /// Outputs with fewer rows (columns) than the stride − 1 on XNNPACK's sub-convolution path, where XNNPACK's own sizing
    /// wraps around and writes past the output (see XnnpackShapeState): exact, and nothing written after the output for a
    /// whole band of stride rows.
    /// </summary>
    [SkippableTheory]
    [MemberData(nameof(BackendsAndLayouts))]
    public void Outputs_shorter_than_the_stride_are_exact_and_stay_inside_their_buffer(string backendName, TensorLayout layout)
    {
        ConvBackend backend = TestBackends.GetOrSkip(backendName);
        foreach (var (spec, n, h, w) in new[]
                 {
                     (new ConvTranspose2dSpec(3, 4, 4, stride: 4, padding: Padding2D.Explicit(1, 0, 1, 0)), 2, 1, 6),     // 2 rows
                     (new ConvTranspose2dSpec(3, 4, new Size2D(4, 6), stride: 4, padding: Padding2D.Explicit(0, 3, 2, 1)), 3, 5, 1), // 2 columns
                     (ConvTranspose2dSpec.Depthwise(8, 4, stride: 4, padding: 1, outputPadding: 0), 2, 1, 1),               // 2x2
                 })
        {
            var r = new Random(spec.GetHashCode());
            float[] weights = Enumerable.Range(0, spec.WeightCount).Select(_ => (float)r.Next(-2, 3)).ToArray();
            float[] bias = Enumerable.Range(0, spec.BiasCount).Select(_ => (float)r.Next(-4, 5)).ToArray();
            ConvGeometry g = spec.Geometry(n, h, w);
            float[] input = Enumerable.Range(0, g.InputLength).Select(_ => (float)r.Next(-3, 4)).ToArray();
            var expected = new float[g.OutputLength];
            using (var reference = new ConvTranspose2dLayer(spec, weights, bias, new ReferenceBackend(), layout))
                reference.Forward(input, expected, n, h, w);
            using var layer = new ConvTranspose2dLayer(spec, weights, bias, backend, layout);
            int band = spec.Stride.Height * g.OutWidth * spec.Stride.Width * g.OutChannels + 64;
            for (int call = 0; call < 5; call++)
            {
                var buffer = new float[g.OutputLength + band];
                Array.Fill(buffer, -99f);
                layer.Forward(input, buffer.AsSpan(0, g.OutputLength), n, h, w);
                Assert.Equal(expected, buffer[..g.OutputLength]);
                Assert.All(buffer[g.OutputLength..], v => Assert.Equal(-99f, v));
            }
            output.WriteLine($"{spec} on {n}x{h}x{w} -> {g.OutHeight}x{g.OutWidth}: {layer.ImplementationName}");
        }
    }

    [SkippableFact]
    public void A_plugged_in_backend_without_its_own_runs_the_reference_and_says_so()
    {
        ConvBackend backend = TestBackends.GetOrSkip(FloatLoopBackend.BackendName);
        var spec = new ConvTranspose2dSpec(3, 2, 4, stride: 2, padding: 1, bias: false);
        float[] weights = Enumerable.Range(0, spec.WeightCount).Select(i => (float)(i % 3 - 1)).ToArray();
        using var layer = new ConvTranspose2dLayer(spec, weights, [], backend, TensorLayout.Nhwc);
        Assert.False(layer.Capabilities.IsNative);
        Assert.Contains("reference", Assert.Single(layer.Capabilities.Bridges));
        Assert.Equal("float-loops", layer.BackendName);
        var (expected, actual, implementation) = ExactRun.Run(backend, spec, 6, 3);
        Assert.Equal(expected, actual);
        Assert.Equal(ReferenceBackend.BackendName, implementation);
        Assert.True(new ReferenceBackend().DescribeTransposed(spec, TensorLayout.Nchw).IsNative); // the reference's own, not a fallback
    }

    [SkippableTheory]
    [MemberData(nameof(AllBackends))]
    public void Describe_names_each_bridge(string backendName)
    {
        ConvBackend backend = TestBackends.GetOrSkip(backendName);
        var plain = new ConvTranspose2dSpec(8, 8, 4, stride: 2, padding: 1, activation: Activation.ReLU);
        var beyond = new ConvTranspose2dSpec(8, 8, 3, dilation: 3, outputPadding: 2, activation: Activation.HardSwish);
        BackendCapabilities nhwc = backend.DescribeTransposed(plain, TensorLayout.Nhwc), copy = backend.DescribeTransposed(beyond, TensorLayout.Nhwc);
        output.WriteLine($"{nhwc}\n{copy}\n{backend.DescribeTransposed(plain, TensorLayout.Nchw)}");
        switch (backendName)
        {
            case OneDnnBackend.BackendName or XnnpackBackend.BackendName:
                Assert.True(nhwc.IsNative, nhwc.ToString());
                Assert.Contains(copy.Bridges, b => b.Contains("2 zero row(s) and 2 zero column(s)", StringComparison.Ordinal));
                Assert.False(backend.DescribeTransposed(plain, TensorLayout.Nchw).IsNative);
                Assert.Equal(backendName == XnnpackBackend.BackendName, copy.Bridges.Any(b => b.Contains("HardSwish", StringComparison.Ordinal)));
                break;
            case ReferenceBackend.BackendName:
                Assert.True(nhwc.IsNative && copy.IsNative);
                break;
            default:
                Assert.Contains("reference", Assert.Single(nhwc.Bridges));
                break;
        }
    }

    public static TheoryData<string, string> TypicalShapes() => TestBackends.Rows(TestBackends.Native, Typical.Keys);

    // Decoder steps as networks use them: U-Net's 2x2 stride-2 upsampling, DCGAN's 4x4 stride-2, a same-size 3x3, a depthwise
    // 4x4 stride-2 (light segmentation heads), and a grouped one.
    private static readonly Dictionary<string, (ConvTranspose2dSpec Spec, int Size)> Typical = new()
    {
        ["unet 2x2 s2 64->32@28"] = (new ConvTranspose2dSpec(64, 32, 2, stride: 2), 28),
        ["dcgan 4x4 s2 p1 128->64@16"] = (new ConvTranspose2dSpec(128, 64, 4, stride: 2, padding: 1, activation: Activation.ReLU), 16),
        ["3x3 s1 p1 32->32@28"] = (new ConvTranspose2dSpec(32, 32, 3, padding: 1), 28),
        ["dw 4x4 s2 p1 32@28"] = (ConvTranspose2dSpec.Depthwise(32, 4, stride: 2, padding: 1), 28),
        ["3x3 s2 p1 op1 g4 64->64@14"] = (new ConvTranspose2dSpec(64, 64, 3, stride: 2, padding: 1, outputPadding: 1, groups: 4), 14),
    };

    [SkippableTheory]
    [MemberData(nameof(TypicalShapes))]
    public void Typical_shape_runs_and_reports_its_implementation(string backendName, string shape)
    {
        ConvBackend backend = TestBackends.GetOrSkip(backendName);
        var (spec, size) = Typical[shape];
        var (expected, actual, implementation) = ExactRun.Run(backend, spec, size, size * 31 + spec.OutChannels);
        output.WriteLine($"{backendName} {shape} NHWC: {implementation}");
        summary.RecordImplementation(backendName, "convT " + shape, implementation);
        Assert.Equal(expected, actual);
    }
}
