using Xunit;

namespace NativeConv.Tests;

/// <summary>
/// The network folds a standalone activation into the convolution or add before it when that operation's output is
/// read by the activation alone and has no activation of its own (<see cref="ActivationFolding"/>), and leaves it
/// otherwise; the folded network gives the unfolded graph's results within the unfolded graph's bound, on every backend
/// under test and in both layouts.
/// </summary>
public class ActivationFoldingTests
{
    private static readonly TensorShape Shape = new(2, 8, 6, 5);
    private static readonly float[] Pw = OperationCheck.Input(new TensorShape(1, 1, 8, 8), 31);
    private static readonly float[] Dw = OperationCheck.Input(new TensorShape(1, 1, 8, 9), 32);

    /// <summary>x → dw → GELU → pw → (+ x) → sigmoid → tanh: both activations after the convolution and the add fold; tanh after a folded sigmoid does not.</summary>
    private static NetworkGraph Foldable()
    {
        var g = new GraphBuilder();
        Value x = g.Input("x", Shape.Channels);
        Value dw = g.Activation(g.Conv2d(x, Conv2dSpec.Depthwise(8, 3, padding: 1, bias: false), Dw, [], "dw"), Activation.GELU, "gelu");
        Value sum = g.Add(g.Conv2d(dw, Conv2dSpec.Pointwise(8, 8, bias: false), Pw, [], "pw"), x, name: "residual");
        g.Output(g.Activation(g.Activation(sum, Activation.Sigmoid, "sigmoid"), Activation.Tanh, "tanh"));
        return g.Build();
    }

    [Fact]
    public void Activations_fold_into_the_operation_before_them()
    {
        NetworkGraph graph = Foldable();
        NetworkGraph folded = ActivationFolding.Fold(graph);
        Assert.Equal(6, graph.OperationCount);
        Assert.Equal(["dw", "pw", "residual", "tanh"], folded.Ops.Select(op => op.Name));
        Assert.Equal(Activation.GELU, Assert.IsType<ConvOp>(folded.Ops[0]).Spec.Activation);
        Assert.Equal("gelu", folded.ValueNames[folded.Ops[0].Output]); // the folded convolution makes the activation's value
        Assert.Equal(Activation.None, Assert.IsType<ConvOp>(folded.Ops[1]).Spec.Activation);
        Assert.Equal(Activation.Sigmoid, Assert.IsType<AddOp>(folded.Ops[2]).Activation);
        Assert.Equal("sigmoid", folded.ValueNames[folded.Ops[2].Output]);
        Assert.Equal(Activation.Tanh, Assert.IsType<ActivationOp>(folded.Ops[3]).Activation);
        using var network = new ConvNetwork(graph, TestBackends.All, new NetworkOptions { Backend = ReferenceBackend.BackendName });
        Assert.Equal(4, network.OperationCount);
    }

    [Fact]
    public void An_activation_stays_where_the_value_is_read_elsewhere_or_already_activated()
    {
        var g = new GraphBuilder();
        Value x = g.Input("x", Shape.Channels);
        Value shared = g.Conv2d(x, Conv2dSpec.Pointwise(8, 8, bias: false), Pw, [], "shared");
        Value activated = g.Conv2d(x, Conv2dSpec.Pointwise(8, 8, bias: false, activation: Activation.ReLU), Pw, [], "activated");
        Value output = g.Conv2d(x, Conv2dSpec.Pointwise(8, 8, bias: false), Pw, [], "output");
        Value a = g.Activation(shared, Activation.Sigmoid, "a");
        Value b = g.Activation(activated, Activation.Tanh, "b");
        Value c = g.Activation(output, Activation.SiLU, "c");
        Value d = g.Activation(x, Activation.GELU, "d"); // a graph input: nothing before it to fold into
        g.Output(g.Add(g.Add(a, shared, name: "twice"), g.Add(b, d, name: "bd"), name: "sum"));
        g.Output(output);
        g.Output(c, "c_out");
        NetworkGraph graph = g.Build();
        Assert.Same(graph, ActivationFolding.Fold(graph));
    }

    [SkippableTheory]
    [MemberData(nameof(ActivationCases.Backends), MemberType = typeof(ActivationCases))]
    public void The_folded_network_gives_the_unfolded_results(string backend, TensorLayout layout)
    {
        // OperationCheck runs the network (folded when made) and checks it against the unfolded graph's reference and bound.
        OperationCheck.Check(Foldable(), backend, layout, [Shape], [ActivationCases.Spread(Shape, 33)], exact: false, $"folded on {backend} {layout}",
            describe: lines => Assert.Equal(backend == OneDnnBackend.BackendName ? 3 : 4, lines.Count)); // oneDNN also fuses the add into pw
    }

    /// <summary>x → transposed convolution (stride 2, PyTorch's upsampling) → SiLU: folded into it, on every backend and layout.</summary>
    [SkippableTheory]
    [MemberData(nameof(ActivationCases.Backends), MemberType = typeof(ActivationCases))]
    public void An_activation_folds_into_a_transposed_convolution(string backend, TensorLayout layout)
    {
        var g = new GraphBuilder();
        Value x = g.Input("x", Shape.Channels);
        var spec = new ConvTranspose2dSpec(8, 4, new Size2D(2, 2), stride: new Size2D(2, 2));
        float[] weights = OperationCheck.Input(new TensorShape(1, 8, 4, 4), 34);
        float[] bias = OperationCheck.Input(new TensorShape(1, 1, 1, 4), 35);
        g.Output(g.Activation(g.ConvTranspose2d(x, spec, weights, bias, "up"), Activation.SiLU, "silu"));
        NetworkGraph graph = g.Build();
        NetworkGraph folded = ActivationFolding.Fold(graph);
        Assert.Equal(Activation.SiLU, Assert.IsType<ConvTransposeOp>(Assert.Single(folded.Ops)).Spec.Activation);
        OperationCheck.Check(graph, backend, layout, [Shape], [ActivationCases.Spread(Shape, 36)], exact: false, $"transposed, folded on {backend} {layout}",
            describe: lines => Assert.Single(lines));
    }
}
