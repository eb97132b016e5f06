using Xunit;

namespace NativeConv.Tests;

/// <summary>
/// <see cref="NetworkGraph.ReferenceOutputs"/>, the public way to check a backend's result: a graph of two outputs
/// gives each in order, with the value its definition gives (a pointwise convolution of integers is exact in double)
/// and a bound; an input the graph cannot take is refused naming it and the shapes.
/// </summary>
public class ReferenceOutputsTests
{
    [Fact]
    public void Gives_every_output_in_order_from_the_definitions()
    {
        var g = new GraphBuilder();
        Value x = g.Input("x", 2);
        float[] w = [1, 2, 3, -1, 0, 4]; // (3 out, 2 in)
        Value y = g.Conv2d(x, Conv2dSpec.Pointwise(2, 3, bias: false), w, [], "pw");
        g.Output(g.GlobalAveragePool(y, "pool"));
        g.Output(y);
        NetworkGraph graph = g.Build();
        float[] input = [1, -2, 3, 5]; // (1, 2, 1, 2) NCHW: channel 0 = [1, -2], channel 1 = [3, 5]
        ReferenceTensor[] outputs = graph.ReferenceOutputs([ReferenceTensor.Exact(input, new TensorShape(1, 2, 1, 2), TensorLayout.Nchw)]);
        Assert.Equal(2, outputs.Length);
        // y (NHWC): pixel 0 = w · (1, 3), pixel 1 = w · (-2, 5).
        double[] y0 = [1 * 1 + 2 * 3, 3 * 1 - 1 * 3, 0 * 1 + 4 * 3], y1 = [1 * -2 + 2 * 5, 3 * -2 - 1 * 5, 0 * -2 + 4 * 5];
        Assert.Equal([.. y0, .. y1], outputs[1].Value);
        Assert.Equal(new TensorShape(1, 3, 1, 1), outputs[0].Shape);
        Assert.Equal(y0.Zip(y1, (a, b) => (a + b) / 2), outputs[0].Value);
        Assert.All(outputs[1].Bound, b => Assert.True(b > 0));
    }

    [Fact]
    public void An_input_of_other_channels_is_refused_naming_it()
    {
        var g = new GraphBuilder();
        g.Output(g.GlobalAveragePool(g.Input("image", 3), "pool"));
        NetworkGraph graph = g.Build();
        var e = Assert.Throws<ArgumentException>(() => graph.ReferenceOutputs([ReferenceTensor.Exact(new float[4], new TensorShape(1, 4, 1, 1), TensorLayout.Nchw)]));
        Assert.Contains("input 'image' takes 3 channels, not the 4", e.Message);
        Assert.Throws<ArgumentException>(() => graph.ReferenceOutputs([]));
    }
}
