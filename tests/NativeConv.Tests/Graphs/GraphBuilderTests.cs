using Xunit;

namespace NativeConv.Tests;

/// <summary>
/// Bad graphs are refused with an exception naming the operation and the shapes, before anything runs: an unknown
/// value, a value of another builder, a channel mismatch at an add, an unused input, a dangling value, duplicate names;
/// and at the first call, a spatial mismatch, with nothing written.
/// </summary>
public class GraphBuilderTests
{
    private static float[] Pw(int inChannels, int outChannels) => new float[inChannels * outChannels];

    [Fact]
    public void An_unknown_value_or_one_of_another_builder_is_refused_naming_it()
    {
        var g = new GraphBuilder();
        Value x = g.Input("x", 4);
        var e = Assert.Throws<ArgumentException>(() => g["nope"]);
        Assert.Contains("no value 'nope'", e.Message);
        Value foreign = new GraphBuilder().Input("y", 4);
        e = Assert.Throws<ArgumentException>(() => g.Add(x, foreign));
        Assert.Contains("belongs to another GraphBuilder", e.Message);
        e = Assert.Throws<ArgumentException>(() => g.GlobalAveragePool(default));
        Assert.Contains("no value of the graph", e.Message);
    }

    [Fact]
    public void A_channel_mismatch_names_the_operation_and_both_values()
    {
        var g = new GraphBuilder();
        Value x = g.Input("x", 4);
        Value y = g.Conv2d(x, Conv2dSpec.Pointwise(4, 8, bias: false), Pw(4, 8), [], "widen");
        var e = Assert.Throws<ArgumentException>(() => g.Add(x, y, name: "residual"));
        Assert.Contains("'residual'", e.Message);
        Assert.Contains("'x' (N, 4, H, W)", e.Message);
        Assert.Contains("'widen' (N, 8, H, W)", e.Message);
        e = Assert.Throws<ArgumentException>(() => g.Conv2d(y, Conv2dSpec.Pointwise(4, 4, bias: false), Pw(4, 4), [], "narrow"));
        Assert.Contains("'narrow'", e.Message);
        Assert.Contains("(N, 4, H, W)", e.Message);
    }

    [Fact]
    public void An_unused_input_a_dangling_value_and_a_missing_output_are_refused_at_build()
    {
        var g = new GraphBuilder();
        Value x = g.Input("x", 4);
        g.Input("unused", 4);
        g.Output(g.GlobalAveragePool(x, "pool"));
        Assert.Contains("input 'unused' is read by no operation", Assert.Throws<InvalidOperationException>(g.Build).Message);

        g = new GraphBuilder();
        x = g.Input("x", 4);
        g.Conv2d(x, Conv2dSpec.Pointwise(4, 4, bias: false), Pw(4, 4), [], "forgotten");
        g.Output(g.GlobalAveragePool(x, "pool"));
        string message = Assert.Throws<InvalidOperationException>(g.Build).Message;
        Assert.Contains("'forgotten'", message);
        Assert.Contains("dangling", message);

        g = new GraphBuilder();
        g.GlobalAveragePool(g.Input("x", 4));
        Assert.Contains("no output", Assert.Throws<InvalidOperationException>(g.Build).Message);
    }

    [Fact]
    public void Names_are_unique_and_an_input_is_no_output()
    {
        var g = new GraphBuilder();
        Value x = g.Input("x", 4);
        Assert.Throws<ArgumentException>(() => g.Input("x", 4));
        Value pool = g.GlobalAveragePool(x, "pool");
        Assert.Contains("'pool' already", Assert.Throws<ArgumentException>(() => g.GlobalAveragePool(x, "pool")).Message);
        Assert.Throws<ArgumentException>(() => g.Output(x));
        g.Output(pool, "out");
        Assert.Contains("output already", Assert.Throws<ArgumentException>(() => g.Output(pool, "again")).Message);
        Assert.Same(g["pool"].Name, pool.Name);
        g.Build();
        Assert.Throws<InvalidOperationException>(() => g.GlobalAveragePool(x));
    }

    [Fact]
    public void A_spatial_mismatch_at_the_first_call_names_the_operation_and_the_shapes_and_writes_nothing()
    {
        var g = new GraphBuilder();
        Value x = g.Input("x", 2);
        Value strided = g.Conv2d(x, new Conv2dSpec(2, 2, 3, stride: 2, padding: 1, bias: false), new float[2 * 2 * 9], [], "strided");
        g.Output(g.Add(strided, x, name: "mismatch"));
        using var network = new ConvNetwork(g.Build(), ConvBackends.Of(new ReferenceBackend()), new NetworkOptions { Layout = TensorLayout.Nhwc });
        var input = new float[2 * 8 * 8];
        var output = Enumerable.Repeat(7f, 2 * 8 * 8).ToArray(); // as large as the input, so only the shape check can stop it
        var e = Assert.Throws<ArgumentException>(() => network.Forward(input, output, 1, 8, 8));
        Assert.Contains("'mismatch'", e.Message);
        Assert.Contains("NHWC 1x4x4x2", e.Message);
        Assert.Contains("NHWC 1x8x8x2", e.Message);
        Assert.All(output, v => Assert.Equal(7f, v));
    }

    [Fact]
    public void A_graph_of_several_inputs_and_outputs_runs_and_names_them()
    {
        var g = new GraphBuilder();
        Value a = g.Input("a", 3), b = g.Input("b", 3);
        Value sum = g.Add(a, b, name: "sum");
        g.Output(g.GlobalAveragePool(sum, "pooled"), "pooled");
        g.Output(g.Multiply(sum, b, "product"), "product");
        NetworkGraph graph = g.Build();
        Assert.Equal(["a", "b"], graph.Inputs.Select(i => i.Name));
        Assert.Equal(["pooled", "product"], graph.Outputs.Select(o => o.Name));
        var shape = new TensorShape(2, 3, 4, 5);
        float[] x = OperationCheck.Input(shape, 1, integers: true), y = OperationCheck.Input(shape, 2, integers: true);
        foreach (TensorLayout layout in Enum.GetValues<TensorLayout>())
            OperationCheck.Check(graph, ReferenceBackend.BackendName, layout, [shape, shape], [x, y], exact: false, $"two in, two out, {layout}");
    }
}
