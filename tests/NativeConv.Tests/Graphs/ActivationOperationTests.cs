using Xunit;
using Xunit.Abstractions;

namespace NativeConv.Tests;

/// <summary>
/// Every activation on every backend under test and in both layouts, against the operations' references within their
/// derived bounds, guards untouched and inputs unchanged (<see cref="OperationCheck"/>): standalone, fused in a
/// convolution (depthwise and pointwise, and written as a convolution then a standalone activation, which the network
/// folds), after an add of two inputs, and after an add that oneDNN fuses into the convolution before it (its sum
/// post-op, then the activation's); and on XNNPACK's subgraph runtime, as its nodes. Each case's Describe is logged: what
/// ran it.
/// </summary>
public class ActivationOperationTests(ITestOutputHelper output)
{
    private static readonly TensorShape Shape = new(2, 12, 7, 5);

    private void Log(IReadOnlyList<string> lines)
    {
        foreach (string line in lines) output.WriteLine(line);
    }

    [SkippableTheory]
    [MemberData(nameof(ActivationCases.Backends), MemberType = typeof(ActivationCases))]
    public void Each_activation_standalone(string backend, TensorLayout layout)
    {
        foreach (Activation activation in ActivationCases.All)
        {
            var g = new GraphBuilder();
            g.Output(g.Activation(g.Input("x", Shape.Channels), activation, "act"));
            OperationCheck.Check(g.Build(), backend, layout, [Shape], [ActivationCases.Spread(Shape, 11)], exact: false, $"{activation} on {backend} {layout}",
                describe: Log);
        }
    }

    [SkippableTheory]
    [MemberData(nameof(ActivationCases.Backends), MemberType = typeof(ActivationCases))]
    public void Each_activation_fused_in_a_convolution(string backend, TensorLayout layout)
    {
        float[] dw = OperationCheck.Input(new TensorShape(1, 1, 12, 9), 12), pw = OperationCheck.Input(new TensorShape(1, 1, 12, 16), 13);
        float[] bias = OperationCheck.Input(new TensorShape(1, 1, 1, 16), 14);
        foreach (Activation activation in ActivationCases.All)
        {
            var g = new GraphBuilder();
            Value x = g.Input("x", Shape.Channels);
            Value d = g.Conv2d(x, Conv2dSpec.Depthwise(12, 3, padding: 1, bias: false, activation: activation), dw, [], "dw");
            g.Output(g.Conv2d(d, Conv2dSpec.Pointwise(12, 16, activation: activation), pw, bias, "pw"));
            OperationCheck.Check(g.Build(), backend, layout, [Shape], [ActivationCases.Spread(Shape, 15)], exact: false, $"conv then {activation} on {backend} {layout}",
                describe: Log);

            // The same written as a convolution and an activation of its own: folded into one when the network is made.
            g = new GraphBuilder();
            x = g.Input("x", Shape.Channels);
            Value conv = g.Conv2d(x, Conv2dSpec.Pointwise(12, 16), pw, bias, "pw");
            g.Output(g.Activation(conv, activation, "act"));
            OperationCheck.Check(g.Build(), backend, layout, [Shape], [ActivationCases.Spread(Shape, 16)], exact: false, $"conv, {activation} folded, on {backend} {layout}",
                describe: lines => Assert.Single(lines));
        }
    }

    [SkippableTheory]
    [MemberData(nameof(ActivationCases.Backends), MemberType = typeof(ActivationCases))]
    public void Each_activation_after_an_add(string backend, TensorLayout layout)
    {
        float[] pw = OperationCheck.Input(new TensorShape(1, 1, 12, 12), 17);
        foreach (Activation activation in ActivationCases.All)
        {
            var g = new GraphBuilder();
            Value a = g.Input("a", Shape.Channels), b = g.Input("b", Shape.Channels);
            g.Output(g.Add(a, b, activation, "add"));
            OperationCheck.Check(g.Build(), backend, layout, [Shape, Shape], [ActivationCases.Spread(Shape, 18), ActivationCases.Spread(Shape, 19)], exact: false,
                $"add then {activation} on {backend} {layout}", describe: Log);

            // A residual after a convolution: oneDNN adds it in the convolution (sum post-op), then the activation.
            g = new GraphBuilder();
            Value x = g.Input("x", Shape.Channels);
            Value conv = g.Conv2d(x, Conv2dSpec.Pointwise(12, 12, bias: false), pw, [], "pw");
            g.Output(g.Add(conv, x, activation, "residual"));
            OperationCheck.Check(g.Build(), backend, layout, [Shape], [ActivationCases.Spread(Shape, 20)], exact: false, $"conv + x then {activation} on {backend} {layout}",
                describe: lines =>
                {
                    Log(lines);
                    if (backend == OneDnnBackend.BackendName) Assert.Contains(lines, l => l.Contains($"residual added as a post-op, then {activation}", StringComparison.Ordinal));
                });
        }
    }

    [SkippableTheory]
    [MemberData(nameof(ActivationCases.Layouts), MemberType = typeof(ActivationCases))]
    public void Each_activation_as_XNNPACK_subgraph_nodes(TensorLayout layout)
    {
        var whole = new NetworkOptions { Backend = XnnpackBackend.BackendName, WholeRuntime = true };
        float[] pw = OperationCheck.Input(new TensorShape(1, 1, 12, 12), 21);
        foreach (Activation activation in ActivationCases.All)
        {
            var g = new GraphBuilder();
            Value x = g.Input("x", Shape.Channels);
            Value alone = g.Activation(x, activation, "act");
            Value conv = g.Conv2d(alone, Conv2dSpec.Pointwise(12, 12, bias: false, activation: activation), pw, [], "pw");
            g.Output(g.Add(conv, x, activation, "residual"));
            OperationCheck.Check(g.Build(), XnnpackBackend.BackendName, layout, [Shape], [ActivationCases.Spread(Shape, 22)], exact: false,
                $"{activation} as XNNPACK nodes {layout}", whole);
        }
    }
}
