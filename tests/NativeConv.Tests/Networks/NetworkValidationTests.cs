using System.Numerics.Tensors;
using Xunit;

namespace NativeConv.Tests;

/// <summary>Bad input to a network: a clear exception naming the argument and the shapes, before anything native runs.</summary>
public class NetworkValidationTests
{
    private static ConvBlock Pw(string name, int cin, int cout) =>
        new(name, Conv2dSpec.Pointwise(cin, cout, bias: false), new float[cin * cout], []);

    [Fact]
    public void A_channel_mismatch_names_both_blocks_and_both_shapes()
    {
        var e = Assert.Throws<ArgumentException>(() => new ConvNetwork([Pw("first", 8, 16), Pw("second", 24, 8)], ConvBackends.Of(new ReferenceBackend())));
        Assert.Equal("blocks", e.ParamName);
        Assert.Contains("'second' takes (N, 24, H, W), but 'first' gives (N, 16, H, W)", e.Message);
        Assert.Throws<ArgumentException>(() => new ConvNetwork([], ConvBackends.Of(new ReferenceBackend())));
        Assert.Throws<ArgumentNullException>(() => new ConvNetwork([Pw("a", 1, 1)], (ConvBackends)null!));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ConvNetwork([Pw("a", 1, 1)], ConvBackends.Of(new ReferenceBackend()), new NetworkOptions { Layout = (TensorLayout)5 }));
    }

    [Fact]
    public void A_block_s_own_parts_are_checked_when_it_is_defined()
    {
        var dw = new ConvBlock("dw", Conv2dSpec.Depthwise(16, 3, padding: 1, bias: false), new float[16 * 9], []);
        var e = Assert.Throws<ArgumentException>(() => new InvertedResidualBlock("ir", null, dw, Pw("project", 24, 16)));
        Assert.Contains("'project' (conv 24->16", e.Message);
        Assert.Contains("gives (N, 16, H, W)", e.Message);
        Assert.Throws<ArgumentException>(() => new SeparableBlock("sep", Pw("not depthwise", 16, 16), Pw("pw", 16, 8)));
        Assert.Throws<ArgumentException>(() => new SqueezeExcitation(Pw("fc1", 16, 4), Pw("fc2", 4, 8)));
    }

    [Fact]
    public void Inputs_of_the_wrong_size_shape_or_layout_are_refused()
    {
        using ConvNetwork network = new ConvNetwork([
            new ConvBlock("stem", new Conv2dSpec(3, 8, 3, padding: Padding2D.Valid, bias: false), new float[8 * 27], []), Pw("head", 8, 4)],
            ConvBackends.Of(new ReferenceBackend()), new NetworkOptions { Layout = TensorLayout.Nhwc });
        var e = Assert.Throws<ArgumentException>(() => network.Forward(new float[3 * 25 - 1], new float[4 * 9], 1, 5, 5));
        Assert.Equal("input", e.ParamName);
        Assert.Contains("NHWC 1x5x5x3 = 75", e.Message);
        e = Assert.Throws<ArgumentException>(() => network.Forward(new float[75], new float[4 * 9 + 1], 1, 5, 5));
        Assert.Equal("output", e.ParamName);
        Assert.Contains("NHWC 1x3x3x4 = 36", e.Message);
        e = Assert.Throws<ArgumentException>(() => network.Forward(new float[3 * 4], new float[4], 1, 2, 2));
        Assert.Contains("'stem' (", e.Message);
        Assert.Contains("cannot take 'input' NHWC 1x2x2x3", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => network.Forward(new float[75], new float[36], 0, 5, 5));
        var data = new float[200];
        e = Assert.Throws<ArgumentException>(() => network.Forward(data.AsSpan(0, 75), data.AsSpan(40, 36), 1, 5, 5));
        Assert.Contains("overlap", e.Message);
        e = Assert.Throws<ArgumentException>(() => network.OutputShape(new TensorShape(1, 4, 5, 5)));
        Assert.Contains("takes 3 channels, not the 4", e.Message);

        // Tensor spans carry the layout in their lengths: an NCHW-shaped span is refused by an NHWC network.
        var nchw = new float[75];
        e = Assert.Throws<ArgumentException>(() => network.Forward(new ReadOnlyTensorSpan<float>(nchw, [1, 3, 5, 5]), new TensorSpan<float>(new float[36], [1, 3, 3, 4])));
        Assert.Contains("takes 3 channels, not the 5", e.Message);
        e = Assert.Throws<ArgumentException>(() => network.Forward(new ReadOnlyTensorSpan<float>(nchw, [75]), new TensorSpan<float>(new float[36], [36])));
        Assert.Contains("rank 4", e.Message);
    }

    [Fact]
    public void Tensor_spans_give_what_spans_give()
    {
        var r = new Random(2);
        var stem = new ConvBlock("stem", new Conv2dSpec(3, 8, 3, stride: 2, padding: 1), NetworkCases.Rand(r, 8 * 27, 0.5), NetworkCases.Rand(r, 8, 0.1));
        using var network = new ConvNetwork([stem, Pw("head", 8, 4)], ConvBackends.Of(new ReferenceBackend()), new NetworkOptions { Layout = TensorLayout.Nchw });
        float[] x = NetworkCases.Rand(r, 2 * 3 * 9 * 7, 1);
        var viaSpans = new float[2 * 4 * 5 * 4];
        var viaTensors = new float[viaSpans.Length];
        network.Forward(x, viaSpans, 2, 9, 7);
        network.Forward(new ReadOnlyTensorSpan<float>(x, [2, 3, 9, 7]), new TensorSpan<float>(viaTensors, [2, 4, 5, 4]));
        Assert.Equal(viaSpans, viaTensors);
    }

    [Fact]
    public void A_disposed_network_throws_and_disposing_twice_is_harmless()
    {
        var network = new ConvNetwork([Pw("pw", 2, 2)], ConvBackends.Of(new ReferenceBackend()));
        network.Dispose();
        network.Dispose();
        Assert.Throws<ObjectDisposedException>(() => network.Forward(new float[2], new float[2], 1, 1, 1));
        Assert.Throws<ObjectDisposedException>(() => network.Describe());
    }

    [SkippableTheory]
    [MemberData(nameof(Backends))]
    public void Concurrent_calls_take_turns_and_match_a_single_thread(string backendName)
    {
        ConvBackend backend = TestBackends.GetOrSkip(backendName);
        var (blocks, channels, size) = NetworkCases.Get("bottleneck k5 SE HardSwish (residual)");
        using var network = new ConvNetwork(blocks, ConvBackends.Of(backend), new NetworkOptions { Layout = TensorLayout.Nchw });
        float[][] inputs = Enumerable.Range(0, 4).Select(i => NetworkCases.Rand(new Random(i), channels * size * size, 1)).ToArray();
        int length = network.OutputShape(new TensorShape(1, channels, size, size)).Length;
        float[][] expected = inputs.Select(x =>
        {
            var y = new float[length];
            network.Forward(x, y, 1, size, size);
            return y;
        }).ToArray();
        int mismatches = 0;
        Parallel.For(0, inputs.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, t =>
        {
            var y = new float[length];
            for (int i = 0; i < 50; i++)
            {
                network.Forward(inputs[t], y, 1, size, size);
                if (!y.AsSpan().SequenceEqual(expected[t])) Interlocked.Increment(ref mismatches);
            }
        });
        Assert.Equal(0, mismatches);
    }

    public static TheoryData<string> Backends() => new(TestBackends.UnderTest);
}
