using Xunit;

namespace NativeConv.Tests;

/// <summary>
/// The operations the MobileNets use, each alone on every backend under test and in both layouts, against its reference:
/// within the derived bound, guards untouched, inputs unchanged (<see cref="OperationCheck"/>).
/// </summary>
public class ExistingOperationTests
{
    public static TheoryData<string, TensorLayout> Cases()
    {
        var data = new TheoryData<string, TensorLayout>();
        foreach (string backend in TestBackends.UnderTest)
            foreach (TensorLayout layout in Enum.GetValues<TensorLayout>())
                data.Add(backend, layout);
        return data;
    }

    private static readonly TensorShape Shape = new(2, 12, 7, 5);

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void Add_with_and_without_an_activation_after_it(string backend, TensorLayout layout)
    {
        foreach (Activation activation in new[] { Activation.None, Activation.ReLU, Activation.ReLU6, Activation.HardSwish, Activation.Clamp(-1, 0.5f) })
        {
            var g = new GraphBuilder();
            Value a = g.Input("a", Shape.Channels), b = g.Input("b", Shape.Channels);
            g.Output(g.Add(a, b, activation, "add"));
            OperationCheck.Check(g.Build(), backend, layout, [Shape, Shape], [OperationCheck.Input(Shape, 1), OperationCheck.Input(Shape, 2)], exact: false, $"add then {activation} on {backend} {layout}");
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void Multiply_per_channel_and_elementwise(string backend, TensorLayout layout)
    {
        TensorShape gate = Shape with { Height = 1, Width = 1 };
        foreach (TensorShape scale in new[] { gate, Shape })
        {
            var g = new GraphBuilder();
            Value x = g.Input("x", Shape.Channels), s = g.Input("s", Shape.Channels);
            g.Output(g.Multiply(x, s, "scale"));
            OperationCheck.Check(g.Build(), backend, layout, [Shape, scale], [OperationCheck.Input(Shape, 3), OperationCheck.Input(scale, 4)], exact: false, $"multiply by {scale} on {backend} {layout}");
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void Global_average_pool(string backend, TensorLayout layout)
    {
        var g = new GraphBuilder();
        g.Output(g.GlobalAveragePool(g.Input("x", Shape.Channels), "pool"));
        OperationCheck.Check(g.Build(), backend, layout, [Shape], [OperationCheck.Input(Shape, 5)], exact: false, $"pool on {backend} {layout}");
    }

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void A_convolution_read_by_two_operations_and_an_output(string backend, TensorLayout layout)
    {
        var g = new GraphBuilder();
        Value x = g.Input("x", Shape.Channels);
        float[] w = OperationCheck.Input(new TensorShape(1, 1, 12, 9), 6);
        Value dw = g.Conv2d(x, Conv2dSpec.Depthwise(12, 3, padding: 1, bias: false, activation: Activation.ReLU6), w, [], "dw");
        g.Output(dw, "features");
        g.Output(g.Add(dw, x, name: "residual"), "sum");
        g.Output(g.GlobalAveragePool(dw, "pool"), "pooled");
        OperationCheck.Check(g.Build(), backend, layout, [Shape], [OperationCheck.Input(Shape, 7)], exact: false, $"shared convolution output on {backend} {layout}");
    }
}
