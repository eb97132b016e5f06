using Xunit;

namespace NativeConv.Tests;

/// <summary>Intermediate buffers are planned once per shape: a chain ping-pongs, residuals keep one more, nothing per layer.</summary>
public class BufferPlanTests
{
    [Theory]
    [InlineData("v1-body", TensorLayout.Nhwc, 2)] // a plain chain: two buffers, the caller's input and output used as they are
    [InlineData("v2", TensorLayout.Nhwc, 3)]      // a residual keeps the block input alive beside the ping-pong pair
    [InlineData("v3-large", TensorLayout.Nhwc, 4)] // squeeze-and-excitation keeps the pooled and gate vectors too
    [InlineData("v2", TensorLayout.Nchw, 3)]
    public void Buffers_are_few_and_planned_once(string model, TensorLayout layout, int expectedBuffers)
    {
        var (blocks, channels, _) = NetworkCases.Get(model);
        NetworkGraph graph = ConvNetwork.GraphOf(blocks);
        TensorShape[] shapes = graph.Shapes([new TensorShape(1, channels, 224, 224)], layout);
        bool nhwc = layout == TensorLayout.Nhwc;
        BufferLayout plan = BufferLayout.For(graph, shapes, inputIsCallers: [nhwc], outputIsCallers: [nhwc]);
        Assert.True(plan.BufferLengths.Length <= expectedBuffers, $"{plan.BufferLengths.Length} buffers for {graph.Ops.Count} operations");
        // No operation reads and writes one buffer, except elementwise ones in place.
        for (int i = 0; i < graph.Ops.Count; i++)
        {
            GraphOp op = graph.Ops[i];
            for (int k = 0; k < op.Inputs.Length; k++)
                if (k != op.InPlaceInput && plan.Storage[op.Inputs[k]] >= 0)
                    Assert.NotEqual(plan.Storage[op.Inputs[k]], plan.Storage[op.Output]);
        }
        // Every value fits the buffer it is given.
        for (int v = 0; v < shapes.Length; v++)
            if (plan.Storage[v] >= 0) Assert.True(shapes[v].Length <= plan.BufferLengths[plan.Storage[v]], $"value {v} ({shapes[v]}) overflows buffer {plan.Storage[v]}");
    }
}
