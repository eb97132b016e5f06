using Xunit;

namespace NativeConv.Onnx.Tests;

/// <summary>
/// What cannot run is refused when the model loads, in one <see cref="OnnxNotSupportedException"/> that lists every
/// such node (operator, name, the attribute or type at fault) and what is supported; nodes after one that cannot run
/// are not listed for it. Patterns whose operations this build lacks are still recognized, and named as the pattern.
/// Pooling, channel and resize nodes whose attributes NativeConv's operations cannot express: <see cref="UnsupportedWindowTests"/>.
/// </summary>
public class UnsupportedTests
{
    private static OnnxNotSupportedException Refused(ModelBuilder m) => Assert.Throws<OnnxNotSupportedException>(() => SmallModels.Load(m.Bytes()));

    [Fact]
    public void Every_unsupported_node_is_listed_in_one_error()
    {
        var m = new ModelBuilder();
        m.Input("x", "N", 4, "H", "W");
        m.Op("MaxPool", "pool", ["x"], ("kernel_shape", new long[] { 2, 2 }), ("strides", new long[] { 2, 2 }), ("storage_order", 1L));
        m.Conv("after_pool", "pool", 4, 4, 1); // fine itself, and after a node that cannot run: not listed
        m.Op("HardSigmoid", "hsig", ["x"], ("alpha", 0.2f), ("beta", 0.5f));
        m.Op("Transpose", "nhwc", ["hsig"], ("perm", new long[] { 0, 2, 3, 1 }));
        m.Op("Conv", "conv3d", ["x", m.Float("w3", [4, 4, 1, 1, 1])]);
        m.Node("Gelu", ["x"], ["custom"], "custom").Domain = "com.example";
        m.Op("GlobalAveragePool", "gap", ["after_pool"]);
        m.Op("Flatten", "flat", ["gap"]);
        m.Op("Softmax", "probabilities", ["flat"], ("axis", 1L));
        m.Output("probabilities", "N", 4);
        m.Output("nhwc", "N", "H", "W", 4);
        m.Output("conv3d", "N", 4, "H", "W");
        m.Output("custom", "N", 4, "H", "W");
        OnnxNotSupportedException e = Refused(m);
        Assert.Equal(["conv3d", "custom", "hsig", "nhwc", "pool", "probabilities"], e.Nodes.Select(n => n.Name).Order().ToArray());
        Assert.Contains("MaxPool 'pool': storage_order 1 (column-major Indices): only the default row-major order", e.Message);
        Assert.Contains("HardSigmoid 'hsig': HardSigmoid alpha=0.2, beta=0.5: only PyTorch's (alpha=1/6, beta=0.5)", e.Message);
        Assert.Contains("Transpose 'nhwc': Transpose of a feature map (perm [0, 2, 3, 1])", e.Message);
        Assert.Contains("Conv 'conv3d': a 3-D convolution", e.Message);
        Assert.Contains("com.example.Gelu 'custom': operator Gelu of domain 'com.example'", e.Message);
        Assert.Contains("Softmax 'probabilities': Softmax is not supported", e.Message);
        Assert.DoesNotContain("after_pool", e.Message);
        Assert.Contains("6 node(s) cannot run", e.Message);
        Assert.Contains("Supported: Conv (2-D", e.Message);
    }

    [Fact]
    public void An_erf_outside_GELUs_pattern_names_the_pattern()
    {
        var m = new ModelBuilder();
        m.Input("x", "N", 4, "H", "W");
        m.Conv("c", "x", 4, 4, 1);
        m.Op("Div", "d", ["c", m.Scalar("two", 2f)]); // x/2, not x/√2
        m.Op("Erf", "e", ["d"]);
        m.Op("Add", "a", ["e", m.Scalar("one", 1f)]);
        m.Op("Mul", "p", ["c", "a"]);
        m.Op("Mul", "y", ["p", m.Scalar("half", 0.5f)]);
        m.Output("y", "N", 4, "H", "W");
        OnnxUnsupportedNode erf = Assert.Single(Refused(m).Nodes);
        Assert.Equal("e", erf.Name);
        Assert.Contains("Erf outside GELU's pattern x·(1 + Erf(x/√2))·0.5", erf.Reason);
    }

    [Fact]
    public void A_standalone_erf_is_named_and_the_concat_reading_it_is_not()
    {
        var m = new ModelBuilder();
        m.Input("x", "N", 4, "H", "W");
        m.Node("Split", ["x", m.Int64("sizes", 1, 3)], ["a", "b"], "split", ("axis", 1L));
        m.Op("Erf", "s", ["x"]);
        m.Op("Concat", "cat", ["s", "b"], ("axis", 1L));
        m.Output("a", "N", 1, "H", "W");
        m.Output("cat", "N", 7, "H", "W");
        OnnxUnsupportedNode erf = Assert.Single(Refused(m).Nodes);
        Assert.Equal("s", erf.Name);
        Assert.Contains("NativeConv has GELU, not erf on its own", erf.Reason);
    }

    /// <summary>Nodes whose operator is mapped but whose attributes, inputs or types are not: each named with what is at fault.</summary>
    [Fact]
    public void Attributes_and_inputs_that_cannot_run_are_each_named()
    {
        var m = new ModelBuilder();
        m.Input("x", "N", 4, "H", "W");
        m.Op("GlobalAveragePool", "g", ["x"]);
        var expected = new Dictionary<string, string>
        {
            [m.Op("Add", "broadcast_add", ["x", "g"])] = "feature maps are added only in the same shape",
            [m.Op("Reshape", "reshape", ["x", m.Int64("to", 0, 2, 2, -1)])] = "feature maps are reshaped only between (N, C, 1, 1) and (N, C)",
            [m.Op("Div", "const_over_map", [m.Scalar("one", 1), "x"])] = "Div of a constant by a feature map",
            [m.Op("Sub", "map_minus_map", ["x", "x"])] = "Sub of two feature maps",
            [m.Op("ReduceMean", "channel_mean", ["x"], ("axes", new long[] { 1 }))] = "only over H and W",
            [m.Op("Conv", "weights_at_run_time", ["x", "x"])] = "its weights are not a constant",
            [m.Op("Clip", "clip_at_run_time", ["x", "g"])] = "Clip bounds that are not constant scalars",
            [m.Op("BatchNormalization", "training", ["x", m.Float("s", [4]), m.Float("b", [4]), m.Float("mu", [4]), m.Float("v", [4], lo: 0.5, hi: 1)], ("training_mode", 1L))] = "training_mode 1",
            [m.Op("Cast", "to_int", ["x"], ("to", 7L))] = "Cast of a value computed at a call to int64",
            [m.Conv("same_lower_strided", "x", 4, 4, 3, attributes: [("auto_pad", "SAME_LOWER"), ("strides", new long[] { 2, 2 })])] = "auto_pad SAME_LOWER with a stride above 1",
            [m.Conv("cropping", "x", 4, 4, 3, attributes: ("pads", new long[] { -1, 0, 0, 0 }))] = "negative padding (cropping) is not supported",
            [m.Conv("pad_beyond_kernel", "x", 4, 4, 3, attributes: ("pads", new long[] { 3, 0, 0, 0 }))] = "must be smaller than the effective kernel",
            [m.Conv("odd_groups", "x", 4, 4, 3, group: 3)] = "group 3",
        };
        m.Op("Flatten", "flat", ["g"]);
        expected[m.Op("Gemm", "gemm_transA", ["flat", m.Float("W", [4, 3])], ("transA", 1L))] = "transA 1";
        expected[m.Op("MatMul", "matmul_at_run_time", ["flat", "flat"])] = "B is not a float constant matrix";
        foreach (string output in expected.Keys) m.Output(output);
        OnnxNotSupportedException e = Refused(m);
        Assert.Equal(expected.Keys.Order(), e.Nodes.Select(n => n.Name).Order());
        foreach (OnnxUnsupportedNode node in e.Nodes)
            Assert.True(node.Reason.Contains(expected[node.Name], StringComparison.Ordinal), $"{node}: expected '{expected[node.Name]}'");
    }
}
