using System.Text.Json;
using NativeConv.Npy;
using Xunit;

namespace NativeConv.Cli.Tests;

/// <summary>
/// Max and average pools against torch.nn.functional.max_pool2d / avg_pool2d (torch_pool_cases.py) on every built-in
/// backend: the same .npy input, PyTorch's answer evaluated in float64 and rounded once to float32. The max must be
/// equal (NaN where PyTorch has NaN, −∞ over padding only); the average within the reference's derived bound of the
/// exact quotient plus PyTorch's one rounding, u·|value|, so a divisor PyTorch does not use (count_include_pad, ceil
/// mode's clipped window) cannot pass. And PyTorch's output sizes over 400 random pools, refusals included.
/// </summary>
public class TorchPoolCrossCheckTests
{
    public static TheoryData<string, string> Cases() => TestBackends.Rows(
        [
            "shufflenet_stem_max_nan_nchw", "googlenet_max_ceil_nhwc", "dilated_ceil_max_nhwc", "padding_only_window_max_nchw",
            "inception_avg_counting_padding_nchw", "ceil_avg_counting_padding_nhwc", "ceil_avg_not_counting_padding_nchw", "avg_5x5_s3_ceil_nhwc",
            "oversized_ceil_window_avg_nchw", "oversized_dilated_ceil_max_nhwc",
        ],
        NativeConvBuilder.BuiltIn().Names);

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void Pool_matches_PyTorch(string name, string backendName)
    {
        TorchPeer.Case c = TorchPeer.Pools.Get(name);
        string File(string what) => Path.Combine(TorchPeer.Pools.Directory, $"{name}.{what}.npy");
        ConvBackend backend = TestBackends.GetOrSkip(backendName);
        NpyArray x = NpyFile.Read(File("x")), torch = NpyFile.Read(File("torch"));
        TensorLayout layout = c.Flag("--layout") == "nhwc" ? TensorLayout.Nhwc : TensorLayout.Nchw;
        var shape = layout == TensorLayout.Nchw
            ? new TensorShape(x.Shape[0], x.Shape[1], x.Shape[2], x.Shape[3])
            : new TensorShape(x.Shape[0], x.Shape[3], x.Shape[1], x.Shape[2]);
        int[] kernel = c.Integers("--kernel"), stride = c.Integers("--stride"), pad = c.Integers("--padding"), dilation = c.Integers("--dilation");
        bool maximum = c.Flag("--kind") == "max";
        var spec = new Pool2dSpec(new Size2D(kernel[0], kernel[1]), new Size2D(stride[0], stride[1]), Padding2D.Explicit(pad[0], pad[1], pad[2], pad[3]),
            new Size2D(dilation[0], dilation[1]), ceilMode: c.Flag("--ceil") == "1", countIncludePad: c.Flag("--count-include-pad") == "1");
        var g = new GraphBuilder();
        Value input = g.Input("x", shape.Channels);
        g.Output(maximum ? g.MaxPool2d(input, spec, "pool") : g.AvgPool2d(input, spec, "pool"));
        NetworkGraph graph = g.Build();

        using var network = new ConvNetwork(graph, ConvBackends.Of(backend), new NetworkOptions { Layout = layout });
        TensorShape outputShape = network.OutputShapes([shape])[0];
        int[] expectedDims = layout == TensorLayout.Nchw
            ? [outputShape.Batch, outputShape.Channels, outputShape.Height, outputShape.Width]
            : [outputShape.Batch, outputShape.Height, outputShape.Width, outputShape.Channels];
        Assert.Equal(torch.Shape, expectedDims);
        var ours = new float[outputShape.Length];
        network.Forward(x.Data, ours, shape.Batch, shape.Height, shape.Width);

        ReferenceTensor reference = NetworkEvaluation.Run(graph, [ReferenceTensor.Exact(x.Data, shape, layout)], foldedFromBatchNorm: false)[0];
        for (int i = 0; i < reference.Value.Length; i++)
        {
            int at = reference.IndexIn(layout, i);
            float t = torch.Data[at], y = ours[at];
            if (maximum || float.IsNaN(t))
            {
                Assert.True(y.Equals(t), $"{name} on {backendName}: output {at}: ours {y:R}, torch {t:R}");
                continue;
            }
            double bound = reference.Bound[i] + NetworkEvaluation.U * Math.Abs(reference.Value[i]);
            Assert.True(Math.Abs((double)y - t) <= bound, $"{name} on {backendName}: output {at}: ours {y:R}, torch {t:R}, |diff| {Math.Abs((double)y - t):e3} > bound {bound:e3}");
        }
        Assert.Contains(ours, v => v != 0); // the comparison saw real values (−∞ over padding only)
    }

    [SkippableFact]
    public void Output_sizes_and_refusals_are_PyTorchs()
    {
        using JsonDocument table = JsonDocument.Parse(System.IO.File.ReadAllText(Path.Combine(TorchPeer.Pools.Directory, "shapes.json")));
        using var reference = new ReferenceBackend();
        int refused = 0, sized = 0;
        foreach (JsonElement row in table.RootElement.EnumerateArray())
        {
            int[] Pair(string key) => row.GetProperty(key).EnumerateArray().Select(v => v.GetInt32()).ToArray();
            int[] kernel = Pair("kernel"), stride = Pair("stride"), padding = Pair("padding"), dilation = Pair("dilation"), size = Pair("size");
            bool maximum = row.GetProperty("kind").GetString() == "max";
            string what = $"{row}";
            TensorShape? ours;
            try
            {
                var spec = new Pool2dSpec(new Size2D(kernel[0], kernel[1]), new Size2D(stride[0], stride[1]), Padding2D.Symmetric(padding[0], padding[1]),
                    new Size2D(dilation[0], dilation[1]), row.GetProperty("ceil").GetBoolean());
                var g = new GraphBuilder();
                Value x = g.Input("x", 1);
                g.Output(maximum ? g.MaxPool2d(x, spec, "pool") : g.AvgPool2d(x, spec, "pool"));
                using var network = new ConvNetwork(g.Build(), ConvBackends.Of(reference), new NetworkOptions());
                ours = network.OutputShapes([new TensorShape(1, 1, size[0], size[1])])[0];
            }
            catch (ArgumentException)
            {
                ours = null;
            }
            JsonElement output = row.GetProperty("output");
            if (output.ValueKind == JsonValueKind.Null)
            {
                Assert.True(ours is null, $"PyTorch refuses {what}; ours gives {ours}");
                refused++;
                continue;
            }
            int[] torch = output.EnumerateArray().Select(v => v.GetInt32()).ToArray();
            Assert.True(ours is { } s && s.Height == torch[0] && s.Width == torch[1], $"{what}: ours {ours}");
            sized++;
        }
        Assert.True(refused > 20 && sized > 200, $"the table has {refused} refusals and {sized} sizes"); // both kinds of rows were compared
    }
}
