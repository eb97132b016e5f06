using Xunit;

namespace NativeConv.Tests;

/// <summary>
/// Concat, split and channel shuffle on every backend under test and in both layouts against their references, exactly
/// (they only move values), guards untouched, inputs unchanged (<see cref="OperationCheck"/>); XNNPACK's subgraph
/// runtime too where it has nodes for them; ShuffleNet v2's unit as one graph within its derived bound; and bad graphs
/// refused naming the operation and the shapes.
/// </summary>
public class ChannelOperationTests
{
    public static TheoryData<string, TensorLayout> Cases() => TestBackends.Rows(TestBackends.UnderTest, TestBackends.Layouts);

    private static readonly NetworkOptions WholeRuntime = new() { Backend = XnnpackBackend.BackendName, WholeRuntime = true };

    /// <summary>Channel counts of the inputs, below and above a vector's width and not multiples of it.</summary>
    private static readonly int[] InputChannels = [3, 9, 16, 1, 21, 2, 8];

    private static NetworkGraph ConcatGraph(int inputs, out TensorShape[] shapes)
    {
        var g = new GraphBuilder();
        Value[] values = Enumerable.Range(0, inputs).Select(k => g.Input($"x{k}", InputChannels[k])).ToArray();
        g.Output(g.Concat(values, "cat"));
        shapes = values.Select(v => new TensorShape(2, v.Channels, 5, 3)).ToArray();
        return g.Build();
    }

    private static float[][] Inputs(TensorShape[] shapes) => shapes.Select((s, k) => OperationCheck.Input(s, 10 + k)).ToArray();

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void Concat_of_one_to_seven_inputs_of_different_channel_counts(string backend, TensorLayout layout)
    {
        for (int n = 1; n <= InputChannels.Length; n++)
        {
            NetworkGraph graph = ConcatGraph(n, out TensorShape[] shapes);
            OperationCheck.Check(graph, backend, layout, shapes, Inputs(shapes), exact: true, $"concat of {n} on {backend} {layout}");
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void Concat_of_a_value_with_itself_and_another(string backend, TensorLayout layout)
    {
        var g = new GraphBuilder();
        Value a = g.Input("a", 5), b = g.Input("b", 11);
        g.Output(g.Concat([a, b, a], "cat"));
        TensorShape[] shapes = [new(3, 5, 4, 4), new(3, 11, 4, 4)];
        OperationCheck.Check(g.Build(), backend, layout, shapes, Inputs(shapes), exact: true, $"concat [a, b, a] on {backend} {layout}");
    }

    /// <summary>Equal parts (2, 3, 4 and 6 of 24 channels, one part), unequal ones, each part a graph output.</summary>
    public static readonly int[][] Splits = [[12, 12], [8, 8, 8], [6, 6, 6, 6], [4, 4, 4, 4, 4, 4], [24], [3, 20, 1], [17, 7], [1, 1, 22]];

    private static NetworkGraph SplitGraph(int[] parts)
    {
        var g = new GraphBuilder();
        Value x = g.Input("x", parts.Sum());
        IReadOnlyList<Value> values = parts.All(c => c == parts[0]) ? g.Split(x, parts.Length, "split") : g.Split(x, parts, "split");
        Assert.Equal(parts, values.Select(v => v.Channels));
        Assert.Equal(parts.Length == 1 ? ["split"] : Enumerable.Range(0, parts.Length).Select(k => $"split:{k}"), values.Select(v => v.Name)); // one output: the operation's name
        foreach (Value v in values) g.Output(v);
        return g.Build();
    }

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void Split_into_equal_and_unequal_parts(string backend, TensorLayout layout)
    {
        foreach (int[] parts in Splits)
        {
            TensorShape[] shapes = [new(2, parts.Sum(), 3, 7)];
            float[][] outputs = OperationCheck.Check(SplitGraph(parts), backend, layout, shapes, Inputs(shapes), exact: true,
                $"split into [{string.Join(", ", parts)}] on {backend} {layout}");
            Assert.Equal(parts.Length, outputs.Length);
        }
    }

    /// <summary>
    /// (channels, groups): ShuffleNet v2's two groups at its stage widths and v1's 3, 4 and 8, with channels per group
    /// below, at and off the managed kernel's blocks of 4 and 8; group counts no multiple of 4; the shuffles that move nothing.
    /// </summary>
    public static readonly (int Channels, int Groups)[] Shuffles =
        [(116, 2), (24, 2), (10, 2), (6, 2), (24, 3), (30, 3), (15, 3), (240, 3), (24, 4), (24, 8), (384, 8), (24, 6), (42, 7), (80, 5), (24, 12), (12, 1), (12, 12)];

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void Channel_shuffle_in_several_groups(string backend, TensorLayout layout)
    {
        foreach ((int channels, int groups) in Shuffles)
        {
            var g = new GraphBuilder();
            g.Output(g.ChannelShuffle(g.Input("x", channels), groups, "shuffle"));
            TensorShape[] shapes = [new(2, channels, 4, 3)];
            OperationCheck.Check(g.Build(), backend, layout, shapes, Inputs(shapes), exact: true, $"shuffle of {channels} in {groups} on {backend} {layout}");
        }
    }

    [Fact]
    public void The_shuffle_is_pytorchs_channel_shuffle()
    {
        // torch: x.view(1, 2, 3, 1, 1).transpose(1, 2).reshape(1, 6, 1, 1) of channels 0..5 is 0, 3, 1, 4, 2, 5.
        var g = new GraphBuilder();
        g.Output(g.ChannelShuffle(g.Input("x", 6), 2, "shuffle"));
        using var network = new ConvNetwork(g.Build(), ConvBackends.Of(new ReferenceBackend()), new NetworkOptions { Layout = TensorLayout.Nhwc });
        var y = new float[6];
        network.Forward([0, 1, 2, 3, 4, 5], y, 1, 1, 1);
        Assert.Equal([0, 3, 1, 4, 2, 5], y);
    }

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void ShuffleNet_v2_units_as_one_graph(string backend, TensorLayout layout)
    {
        NetworkGraph graph = ShuffleNetUnit.Stage(24, 48, seed: 3);
        TensorShape[] shapes = [new(2, 24, 9, 7)];
        OperationCheck.Check(graph, backend, layout, shapes, Inputs(shapes), exact: false, $"ShuffleNet v2 stage on {backend} {layout}");
    }

    [SkippableTheory]
    [InlineData(TensorLayout.Nchw)]
    [InlineData(TensorLayout.Nhwc)]
    public void Concat_and_split_run_in_xnnpacks_subgraph_runtime(TensorLayout layout)
    {
        for (int n = 1; n <= InputChannels.Length; n++) // 6 and 7 inputs: concatenates chained five at a time
        {
            NetworkGraph graph = ConcatGraph(n, out TensorShape[] shapes);
            OperationCheck.Check(graph, XnnpackBackend.BackendName, layout, shapes, Inputs(shapes), exact: true, $"concat of {n} whole, {layout}", WholeRuntime);
        }
        foreach (int[] parts in Splits) // even splits of 2 to 4, slices for the others, a copy for one part
        {
            TensorShape[] shapes = [new(2, parts.Sum(), 3, 7)];
            OperationCheck.Check(SplitGraph(parts), XnnpackBackend.BackendName, layout, shapes, Inputs(shapes), exact: true,
                $"split into [{string.Join(", ", parts)}] whole, {layout}", WholeRuntime);
        }
        var g = new GraphBuilder();
        Value a = g.Input("a", 5), b = g.Input("b", 11);
        g.Output(g.Concat([a, b, a], "cat"));
        TensorShape[] pair = [new(3, 5, 4, 4), new(3, 11, 4, 4)];
        OperationCheck.Check(g.Build(), XnnpackBackend.BackendName, layout, pair, Inputs(pair), exact: true, $"concat [a, b, a] whole, {layout}", WholeRuntime);
    }

    /// <summary>ShuffleNet v2's unit without its shuffle (split, branch, concat) in XNNPACK's subgraph runtime, within the bound.</summary>
    [SkippableTheory]
    [InlineData(TensorLayout.Nchw)]
    [InlineData(TensorLayout.Nhwc)]
    public void A_split_branch_and_concat_run_in_xnnpacks_subgraph_runtime(TensorLayout layout)
    {
        var g = new GraphBuilder();
        Value x = g.Input("x", 16);
        IReadOnlyList<Value> halves = g.Split(x, 2, "split");
        var random = new Random(5);
        float[] Weights(int n) => Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        Value dw = g.Conv2d(halves[1], Conv2dSpec.Depthwise(8, 3, padding: 1), Weights(8 * 9), Weights(8), "dw");
        Value pw = g.Conv2d(dw, Conv2dSpec.Pointwise(8, 8, activation: Activation.ReLU), Weights(64), Weights(8), "pw");
        g.Output(g.Concat([halves[0], pw], "cat"));
        TensorShape[] shapes = [new(2, 16, 6, 5)];
        OperationCheck.Check(g.Build(), XnnpackBackend.BackendName, layout, shapes, Inputs(shapes), exact: false, $"split, branch, concat whole, {layout}", WholeRuntime);
    }

    /// <summary>
    /// What each native backend runs them on, as measured (tests/NativeConv.Benchmarks --channels): the managed kernels for
    /// concat, split and the two-group shuffle; XNNPACK's operator for a shuffle of more groups.
    /// </summary>
    [SkippableTheory]
    [InlineData(OneDnnBackend.BackendName)]
    [InlineData(XnnpackBackend.BackendName)]
    public void The_operations_run_where_they_measured_fastest(string backend)
    {
        var g = new GraphBuilder();
        Value x = g.Input("x", 24);
        IReadOnlyList<Value> halves = g.Split(x, 2, "split");
        Value joined = g.Concat([halves[1], halves[0]], "cat");
        g.Output(g.ChannelShuffle(joined, 2, "shuffle2"), "two");
        g.Output(g.ChannelShuffle(joined, 3, "shuffle3"), "three");
        using var network = new ConvNetwork(g.Build(), ConvBackends.Of(TestBackends.GetOrSkip(backend)), new NetworkOptions { Layout = TensorLayout.Nhwc });
        TensorShape shape = new(1, 24, 4, 4);
        network.Run([new NetworkInput(new float[shape.Length], shape)], [new NetworkOutput(new float[shape.Length]), new NetworkOutput(new float[shape.Length])]);
        IReadOnlyList<string> described = network.Describe();
        Assert.Contains("-> managed vectorized C# (channel runs)", described[0]);
        Assert.Contains("-> managed vectorized C# (channel runs)", described[1]);
        Assert.Contains("-> managed vectorized C# (the two halves interleaved)", described[2]);
        Assert.Contains(backend == XnnpackBackend.BackendName ? "-> xnnpack xnnpack:channel_shuffle_nc_x32" : "-> managed vectorized C# (4x4 transposes)", described[3]);
    }

    [SkippableFact]
    public void A_network_with_a_shuffle_refuses_xnnpacks_subgraph_runtime_naming_it()
    {
        ConvBackend xnnpack = TestBackends.GetOrSkip(XnnpackBackend.BackendName);
        var e = Assert.Throws<NotSupportedException>(() => new ConvNetwork(ShuffleNetUnit.Stage(24, 48, seed: 3), ConvBackends.Of(xnnpack), WholeRuntime));
        Assert.Contains("'stage.0.shuffle'", e.Message);
        Assert.Contains("channel shuffle", e.Message);
    }

    [Fact]
    public void A_split_that_does_not_divide_or_add_up_is_refused_at_build_naming_it()
    {
        var g = new GraphBuilder();
        Value x = g.Input("x", 12);
        var e = Assert.Throws<ArgumentException>(() => g.Split(x, 5, "halves"));
        Assert.Contains("'halves'", e.Message);
        Assert.Contains("'x' (N, 12, H, W)", e.Message);
        Assert.Contains("5 does not divide its 12 channels", e.Message);
        e = Assert.Throws<ArgumentException>(() => g.Split(x, [5, 6], "parts"));
        Assert.Contains("'parts'", e.Message);
        Assert.Contains("add up to 11, not 12", e.Message);
        e = Assert.Throws<ArgumentException>(() => g.Split(x, [12, 0], "empty"));
        Assert.Contains("every part needs at least 1", e.Message);
        Assert.Throws<ArgumentException>(() => g.Split(x, Array.Empty<int>(), "none"));
        Assert.Throws<ArgumentOutOfRangeException>(() => g.Split(x, 0, "zero"));
        // Nothing was added: the names are free and the graph builds with one split.
        g.Output(g.Split(x, 4, "halves")[0], "a");
        Assert.Contains("dangling", Assert.Throws<InvalidOperationException>(g.Build).Message);
    }

    [Fact]
    public void A_shuffle_whose_groups_do_not_divide_the_channels_is_refused_at_build_naming_it()
    {
        var g = new GraphBuilder();
        Value x = g.Input("x", 116);
        var e = Assert.Throws<ArgumentException>(() => g.ChannelShuffle(x, 3, "shuffle"));
        Assert.Contains("'shuffle'", e.Message);
        Assert.Contains("'x' (N, 116, H, W)", e.Message);
        Assert.Contains("3 does not divide its 116 channels", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => g.ChannelShuffle(x, 0, "shuffle"));
    }

    [Fact]
    public void A_concat_of_no_values_or_of_another_builders_is_refused_naming_it()
    {
        var g = new GraphBuilder();
        Value x = g.Input("x", 4);
        Assert.Contains("'cat' joins at least one value", Assert.Throws<ArgumentException>(() => g.Concat([], "cat")).Message);
        Value foreign = new GraphBuilder().Input("y", 4);
        var e = Assert.Throws<ArgumentException>(() => g.Concat([x, foreign], "cat"));
        Assert.Contains("belongs to another GraphBuilder", e.Message);
        Assert.Equal("values[1]", e.ParamName);
    }

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void A_concat_of_different_spatial_sizes_is_refused_at_the_first_call_naming_it_and_the_shapes_with_nothing_written(string backend, TensorLayout layout)
    {
        var g = new GraphBuilder();
        Value x = g.Input("x", 2);
        Value strided = g.Conv2d(x, new Conv2dSpec(2, 3, 3, stride: 2, padding: 1, bias: false), new float[3 * 2 * 9], [], "strided");
        g.Output(g.Concat([x, strided], "cat"));
        using var network = new ConvNetwork(g.Build(), ConvBackends.Of(TestBackends.GetOrSkip(backend)), new NetworkOptions { Layout = layout });
        var input = new float[2 * 8 * 8];
        var output = Enumerable.Repeat(7f, 5 * 8 * 8).ToArray(); // as large as a concat at the input's size, so only the shape check can stop it
        var e = Assert.Throws<ArgumentException>(() => network.Forward(input, output, 1, 8, 8));
        Assert.Contains("'cat'", e.Message);
        Assert.Contains(new TensorShape(1, 2, 8, 8).ToString(layout), e.Message);
        Assert.Contains(new TensorShape(1, 3, 4, 4).ToString(layout), e.Message);
        Assert.Contains("batch, height or width", e.Message);
        Assert.All(output, v => Assert.Equal(7f, v));
    }

    [Fact]
    public void Concat_inputs_of_different_batches_are_refused_at_the_first_call()
    {
        var g = new GraphBuilder();
        Value a = g.Input("a", 2), b = g.Input("b", 3);
        g.Output(g.Concat([a, b], "cat"));
        using var network = new ConvNetwork(g.Build(), ConvBackends.Of(new ReferenceBackend()), new NetworkOptions { Layout = TensorLayout.Nhwc });
        // The network itself refuses inputs of different batches, before any operation.
        Assert.Contains("same batch", Assert.Throws<ArgumentException>(() => network.OutputShapes([new TensorShape(1, 2, 4, 4), new TensorShape(2, 3, 4, 4)])).Message);
        Assert.Contains("'cat'", Assert.Throws<ArgumentException>(() => network.OutputShapes([new TensorShape(1, 2, 4, 4), new TensorShape(1, 3, 4, 5)])).Message);
    }
}
