using Xunit;

namespace NativeConv.Tests;

/// <summary>
/// The public backend seam (<see cref="ConvBackend.Create"/>, <see cref="ConvKernel.Forward(in ConvGeometry, ReadOnlySpan{float}, Span{float})"/>)
/// keeps the library's promise on its own, not only behind the layers: every misuse is a clear exception
/// before native code runs, on every registered backend. The first entry is the program that used to
/// kill the process with SIGSEGV (oneDNN wrote weights.Length floats into memory sized by the spec).
/// </summary>
public class SeamMisuseTests
{
    private static readonly Conv2dSpec Dw8 = Conv2dSpec.Depthwise(8, 3, padding: 1);
    private static readonly float[] W = new float[8 * 9], B = new float[8];

    // (name, expected exception, parameter name or null, message fragment or null, misuse on a backend)
    public static readonly (string Name, Type Exception, string? Param, string? Fragment, Action<ConvBackend> Act)[] Catalogue =
    [
        ("the former SIGSEGV program: 1000x weights, 1 bias, 10-float buffers", typeof(ArgumentException), "weights", "expected 72 weights", b =>
        {
            using var k = b.Create(Dw8, TensorLayout.Nhwc, new float[Dw8.WeightCount * 1000], new float[1]);
            k.Forward(Dw8.Geometry(1, 64, 64), new float[10], new float[10]);
        }),
        ("weights one short", typeof(ArgumentException), "weights", "got 71", b => b.Create(Dw8, TensorLayout.Nhwc, new float[71], B).Dispose()),
        ("bias shorter than the output channels", typeof(ArgumentException), "bias", "expected 8 bias values", b => b.Create(Dw8, TensorLayout.Nhwc, W, new float[1]).Dispose()),
        ("bias for a bias-free spec", typeof(ArgumentException), "bias", "no bias", b => b.Create(Conv2dSpec.Depthwise(8, 3, bias: false), TensorLayout.Nhwc, W, B).Dispose()),
        ("null spec", typeof(ArgumentNullException), "spec", null, b => b.Create(null!, TensorLayout.Nhwc, W, B).Dispose()),
        ("undefined layout", typeof(ArgumentOutOfRangeException), "layout", null, b => b.Create(Dw8, (TensorLayout)9, W, B).Dispose()),
        ("Describe with a null spec", typeof(ArgumentNullException), "spec", null, b => b.Describe(null!, TensorLayout.Nhwc)),
        ("a real geometry larger than the spans", typeof(ArgumentException), "input", "NHWC 1x64x64x8 = 32768", b => Forward(b, Dw8.Geometry(1, 64, 64), 10, 10)),
        ("a real geometry, output too short", typeof(ArgumentException), "output", "= 200 values, got 199", b => Forward(b, Dw8.Geometry(1, 5, 5), 200, 199)),
        ("a made-up geometry: output larger than the spec gives", typeof(ArgumentException), "geometry", "expected", b =>
            Forward(b, Dw8.Geometry(1, 5, 5) with { OutHeight = 50, OutWidth = 50 }, 200, 8 * 50 * 50)),
        ("a made-up geometry: more channels than the spec", typeof(ArgumentException), "geometry", null, b =>
            Forward(b, Dw8.Geometry(1, 5, 5) with { InChannels = 64, OutChannels = 64 }, 64 * 25, 64 * 25)),
        ("a made-up geometry: padding the spec does not have", typeof(ArgumentException), "geometry", null, b =>
            Forward(b, Dw8.Geometry(1, 5, 5) with { PadTop = 2, PadBottom = 0 }, 200, 200)),
        ("a default geometry", typeof(ArgumentOutOfRangeException), "batch", null, b => Forward(b, default, 0, 0)),
        ("another spec's geometry", typeof(ArgumentException), "geometry", null, b =>
            Forward(b, Conv2dSpec.Depthwise(8, 3, stride: 2, padding: 1).Geometry(1, 6, 6), 8 * 36, 8 * 9)),
        ("overlapping spans", typeof(ArgumentException), "output", "overlap", b =>
        {
            using var k = b.Create(Dw8, TensorLayout.Nhwc, W, B);
            var data = new float[300];
            k.Forward(Dw8.Geometry(1, 5, 5), data.AsSpan(0, 200), data.AsSpan(100, 200));
        }),
        ("a disposed kernel", typeof(ObjectDisposedException), null, null, b =>
        {
            var k = b.Create(Dw8, TensorLayout.Nhwc, W, B);
            k.Dispose();
            k.Forward(new float[200], new float[200], 1, 5, 5);
        }),
        ("a disposed backend", typeof(ObjectDisposedException), null, null, b =>
        {
            using ConvBackends own = TestBackends.Registry.Build();
            ConvBackend backend = own.Get(b.Name);
            own.Dispose();
            backend.Create(Dw8, TensorLayout.Nhwc, W, B).Dispose();
        }),
        ("a foreign backend returning no kernel", typeof(InvalidOperationException), null, "returned no kernel", b =>
            new MisbehavingBackend(b, MisbehavingBackend.Mode.Null).Create(Dw8, TensorLayout.Nhwc, W, B)),
        ("a foreign backend returning a kernel for another spec", typeof(InvalidOperationException), null, "returned a kernel for", b =>
            new MisbehavingBackend(b, MisbehavingBackend.Mode.OtherSpec).Create(Dw8, TensorLayout.Nhwc, W, B)),
        ("a foreign backend returning a kernel for another layout", typeof(InvalidOperationException), null, "returned a kernel for", b =>
            new MisbehavingBackend(b, MisbehavingBackend.Mode.OtherLayout).Create(Dw8, TensorLayout.Nhwc, W, B)),
        ("a foreign backend handing out one kernel twice", typeof(InvalidOperationException), null, "handed out before", b =>
        {
            var twice = new MisbehavingBackend(b, MisbehavingBackend.Mode.SameKernelTwice);
            using ConvKernel first = twice.Create(Dw8, TensorLayout.Nhwc, W, B);
            twice.Create(Dw8, TensorLayout.Nhwc, W, B);
        }),
        ("a foreign backend returning a disposed kernel", typeof(InvalidOperationException), null, "handed out before (or disposed)", b =>
            new MisbehavingBackend(b, MisbehavingBackend.Mode.Disposed).Create(Dw8, TensorLayout.Nhwc, W, B)),
    ];

    private static void Forward(ConvBackend backend, in ConvGeometry geometry, int inputLength, int outputLength)
    {
        using ConvKernel k = backend.Create(Dw8, TensorLayout.Nhwc, W, B);
        k.Forward(geometry, new float[inputLength], new float[outputLength]);
    }

    public static TheoryData<string, int> Cases()
    {
        var data = new TheoryData<string, int>();
        foreach (string backend in TestBackends.Names)
            for (int i = 0; i < Catalogue.Length; i++)
                data.Add(backend, i);
        return data;
    }

    [Fact]
    public void The_catalogue_has_at_least_15_kinds_of_misuse() =>
        Assert.True(Catalogue.Select(c => c.Name).Distinct().Count() >= 15, $"{Catalogue.Length} kinds");

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void Misuse_of_the_seam_is_a_clear_exception(string backendName, int index) =>
        Refusal.Check(backendName, Catalogue[index]);

    [SkippableTheory]
    [MemberData(nameof(Backends))]
    public void After_every_misuse_the_backend_still_computes_correctly(string backendName)
    {
        ConvBackend backend = TestBackends.GetOrSkip(backendName);
        foreach (var entry in Catalogue) Assert.ThrowsAny<Exception>(() => entry.Act(backend));
        float[] weights = Enumerable.Range(0, 72).Select(i => (float)(i % 5 - 2)).ToArray();
        float[] bias = Enumerable.Range(0, 8).Select(i => (float)(i % 3)).ToArray();
        float[] input = Enumerable.Range(0, 200).Select(i => (float)(i % 7 - 3)).ToArray();
        var expected = new float[200];
        var actual = new float[200];
        using (ConvKernel reference = new ReferenceBackend().Create(Dw8, TensorLayout.Nhwc, weights, bias))
            reference.Forward(input, expected, 1, 5, 5);
        using (ConvKernel kernel = backend.Create(Dw8, TensorLayout.Nhwc, weights, bias))
            kernel.Forward(input, actual, 1, 5, 5);
        Assert.Equal(expected, actual); // integer data: exact
    }

    public static TheoryData<string> Backends() => new(TestBackends.Names);
}
