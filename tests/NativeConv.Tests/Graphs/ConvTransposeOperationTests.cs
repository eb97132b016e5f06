using Xunit;

namespace NativeConv.Tests;

/// <summary>
/// Transposed convolution as a graph operation: on every backend under test and both layouts against its reference
/// (gathered per output, independent of the reference backend's scatter), alone and after a convolution as a decoder
/// step; and in XNNPACK's subgraph runtime.
/// </summary>
public class ConvTransposeOperationTests
{
    public static IEnumerable<ConvTranspose2dSpec> Specs() =>
    [
        new(8, 4, 2, stride: 2, bias: true), // U-Net's 2x2 up-convolution
        new(6, 6, 4, stride: 2, padding: 1, bias: false, activation: Activation.ReLU), // DCGAN's
        ConvTranspose2dSpec.Depthwise(8, 3, stride: 2, padding: 1, outputPadding: new OutputPadding2D(1, 1), activation: Activation.ReLU6),
        ConvTranspose2dSpec.Depthwise(4, 4, multiplier: 2, stride: 2, padding: Padding2D.Explicit(1, 2, 0, 1)),
        new(6, 9, 3, stride: 3, groups: 3, dilation: 2, activation: Activation.HardSwish),
        new(5, 3, 1, stride: 1),
    ];

    public static TheoryData<string, TensorLayout, int> Cases()
    {
        var data = new TheoryData<string, TensorLayout, int>();
        foreach (string backend in TestBackends.UnderTest)
            foreach (TensorLayout layout in Enum.GetValues<TensorLayout>())
                for (int i = 0; i < Specs().Count(); i++)
                    data.Add(backend, layout, i);
        return data;
    }

    private static NetworkGraph Decoder(ConvTranspose2dSpec spec, int seed)
    {
        var g = new GraphBuilder();
        Value x = g.Input("x", spec.InChannels);
        Value y = g.Conv2d(x, Conv2dSpec.Depthwise(spec.InChannels, 3, padding: 1, bias: false, activation: Activation.ReLU),
            OperationCheck.Input(new TensorShape(1, 1, spec.InChannels, 9), seed), [], "dw");
        float[] w = OperationCheck.Input(new TensorShape(1, spec.InChannels, spec.OutChannelsPerGroup, spec.Kernel.Height * spec.Kernel.Width), seed + 1);
        float[] b = spec.HasBias ? OperationCheck.Input(new TensorShape(1, 1, 1, spec.OutChannels), seed + 2) : [];
        g.Output(g.ConvTranspose2d(y, spec, w, b, "up"));
        return g.Build();
    }

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void Every_backend_matches_the_reference(string backend, TensorLayout layout, int index)
    {
        ConvTranspose2dSpec spec = Specs().ElementAt(index);
        var shape = new TensorShape(2, spec.InChannels, 5, 7);
        OperationCheck.Check(Decoder(spec, index), backend, layout, [shape], [OperationCheck.Input(shape, 10 + index)], exact: false, $"{spec} on {backend} {layout}");
    }

    [SkippableTheory]
    [InlineData(TensorLayout.Nchw)]
    [InlineData(TensorLayout.Nhwc)]
    public void Xnnpacks_subgraph_runtime_matches_the_reference(TensorLayout layout)
    {
        foreach (ConvTranspose2dSpec spec in Specs())
        {
            var shape = new TensorShape(2, spec.InChannels, 5, 7);
            OperationCheck.Check(Decoder(spec, 3), XnnpackBackend.BackendName, layout, [shape], [OperationCheck.Input(shape, 4)], exact: false,
                $"{spec} in XNNPACK's subgraph runtime, {layout}", new NetworkOptions { WholeRuntime = true });
        }
    }
}
