using Xunit;

namespace NativeConv.Onnx.Tests;

/// <summary>
/// Pooling, channel and resize nodes whose attributes or inputs NativeConv's operations cannot express: every one named
/// in the one error with what is at fault (the attribute and its value, the axis, the range, the scale and size).
/// </summary>
public class UnsupportedWindowTests
{
    private static (string, object) Ints(string name, params long[] v) => (name, v);

    [Fact]
    public void Pools_that_cannot_run_are_each_named()
    {
        var m = new ModelBuilder();
        m.Input("x", "N", 4, "H", "W");
        var expected = new Dictionary<string, string>
        {
            [m.Op("MaxPool", "pad_beyond_half", ["x"], Ints("kernel_shape", 3, 3), Ints("pads", 2, 0, 0, 0))] = "must be at most half the 3x3 kernel on each side",
            [m.Op("MaxPool", "cropping", ["x"], Ints("kernel_shape", 3, 3), Ints("pads", -1, 0, 0, 0))] = "negative padding (cropping) is not supported",
            [m.Op("AveragePool", "avg_dilated", ["x"], Ints("kernel_shape", 2, 2), Ints("dilations", 2, 2))] = "AveragePool dilations [2, 2]: an average pool has no dilation",
            [m.Op("MaxPool", "ceil_auto_pad", ["x"], Ints("kernel_shape", 2, 2), Ints("strides", 2, 2), ("auto_pad", "SAME_UPPER"), ("ceil_mode", 1L))] = "ceil_mode 1 with auto_pad SAME_UPPER",
            [m.Op("AveragePool", "same_strided", ["x"], Ints("kernel_shape", 3, 3), Ints("strides", 2, 2), ("auto_pad", "SAME_LOWER"))] = "auto_pad SAME_LOWER with a stride above 1 or an even kernel on an input whose size is bound only at a call",
            [m.Op("MaxPool", "pool_3d", ["x"], Ints("kernel_shape", 2, 2, 2))] = "a 3-D pool (kernel_shape [2, 2, 2]): only 2-D",
            [m.Op("MaxPool", "column_major", ["x"], Ints("kernel_shape", 2, 2), ("storage_order", 1L))] = "storage_order 1",
        };
        m.Op("GlobalAveragePool", "gap", ["x"]);
        m.Op("Flatten", "vector", ["gap"]);
        expected[m.Op("MaxPool", "pool_of_vector", ["vector"], Ints("kernel_shape", 1, 1))] = "a pool over a rank-2 feature map: only (N, C, H, W)";
        m.Node("MaxPool", ["x"], ["values", "indices"], "with_indices", Ints("kernel_shape", 2, 2));
        expected["with_indices"] = "its Indices output is used";
        foreach (string output in expected.Keys.Where(k => k != "with_indices").Append("indices")) m.Output(output);
        AssertEachNamed(m, expected);
    }

    [Fact]
    public void Channel_operations_that_cannot_run_are_each_named()
    {
        var m = new ModelBuilder();
        m.Input("x", "N", 4, "H", "W");
        var expected = new Dictionary<string, string>
        {
            [m.Op("Concat", "concat_height", ["x", "x"], ("axis", 2L))] = "Concat along axis 2 of [N, 4, H, W]: feature maps are joined along channels only (axis 1)",
            [m.Op("Concat", "concat_constant", ["x", m.Float("k", [1, 2, 1, 1])], ("axis", 1L))] = "input 1 ('k') is a constant, not a feature map computed at a call",
            [m.Op("Slice", "slice_height", ["x", m.Int64("s0", 0), m.Int64("e1", 1), m.Int64("a2", 2)])] = "along axis 2 (starts 0, ends 1, step 1): feature maps are sliced along channels only",
            [m.Op("Slice", "slice_step", ["x", m.Int64("s0b", 0), m.Int64("e4", 4), m.Int64("a1", 1), m.Int64("st2", 2)])] = "a Slice of the channels with step 2",
            [m.Op("Slice", "slice_lone", ["x", m.Int64("s0c", 0), m.Int64("e2", 2), m.Int64("a1b", 1)])] = "a Slice of channels [0, 2) of 4 that its sibling Slices do not complete",
        };
        m.Node("Split", ["x", m.Int64("halves", 1, 1)], ["h0", "h1"], "split_height", ("axis", 2L));
        expected["split_height"] = "Split along axis 2 of [N, 4, H, W]: feature maps are split along channels only";
        m.Node("Split", ["x", m.Int64("parts", 1, 3)], ["used", "unused"], "split_unread", ("axis", 1L));
        expected["split_unread"] = "its output 'unused' is read by nothing";
        foreach (string output in expected.Keys.Where(k => !k.StartsWith("split_", StringComparison.Ordinal)).Concat(["h0", "h1", "used"])) m.Output(output);
        AssertEachNamed(m, expected);
    }

    [Fact]
    public void Resizes_that_cannot_run_are_each_named()
    {
        var m = new ModelBuilder(18);
        m.Input("x", "N", 4, "H", "W");
        m.Input("z", 1, 2, 5, 5);
        string twice = m.Float("twice", [4], [1, 1, 2, 2]);
        string R(string name, params (string, object)[] attributes) => m.Op("Resize", name, ["x", "", twice], attributes);
        m.Op("Shape", "shape", ["x"]);
        m.Op("Gather", "nchw", ["shape", m.Int64("wh", 0, 1, 3, 2)], ("axis", 0L));
        var expected = new Dictionary<string, string>
        {
            [R("cubic", ("mode", "cubic"))] = "mode 'cubic': NativeConv resizes nearest or linear",
            [R("crop", ("mode", "linear"), ("coordinate_transformation_mode", "tf_crop_and_resize"))] = "'tf_crop_and_resize' (a crop by roi)",
            [R("tf_nearest", ("coordinate_transformation_mode", "tf_half_pixel_for_nn"))] = "coordinate_transformation_mode 'tf_half_pixel_for_nn': only half_pixel",
            [R("exclude_outside", ("mode", "linear"), ("exclude_outside", 1L))] = "exclude_outside 1",
            [R("antialias", ("mode", "linear"), ("antialias", 1L))] = "antialias 1: NativeConv's resize has no antialiasing filter",
            [R("nearest_ceil", ("nearest_mode", "ceil"))] = "nearest_mode 'ceil': only round_prefer_floor, round_prefer_ceil and floor",
            [m.Op("Resize", "channels", ["x", "", m.Float("all4", [4], [1, 2, 2, 2])])] = "scales [1, 2, 2, 2]: NativeConv resizes height and width, never the batch or channels",
            [m.Op("Resize", "axes_c_h", ["x", "", m.Float("ch", [2], [2, 2])], Ints("axes", 1, 2))] = "scales [1, 2, 2, 1]: NativeConv resizes height and width, never the batch or channels",
            [m.Op("Resize", "axes_repeated", ["x", "", m.Float("hh", [2], [2, 2])], Ints("axes", 2, -2))] = "axes [2, -2] out of range or repeated",
            [m.Op("Resize", "aspect", ["x", "", "", m.Int64("hw", 6, 6)], Ints("axes", 2, 3), ("keep_aspect_ratio_policy", "not_larger"))] = "keep_aspect_ratio_policy 'not_larger': only stretch",
            [m.Op("Resize", "fraction", ["x", "", m.Float("x1_5", [4], [1, 1, 1.5f, 1])])] = "scale 1.5 of a height bound only at a call",
            [m.Op("Resize", "fraction_fixed", ["z", "", m.Float("z1_5", [4], [1, 1, 1, 1.5f])])] = "scale 1.5 of a width of 5: 5 × 1.5 is not a whole number",
            [m.Op("Resize", "batch", ["x", "", "", m.Int64("b2", 2, 4, 3, 3)])] = "NativeConv resizes height and width, never the batch or channels",
            [m.Op("Resize", "transposed_size", ["x", "", "", "nchw"])] = "sizes [N, 4, W, H] computed at a call, but from no feature map's height and width",
            [m.Op("Upsample", "shrink", ["x", m.Float("half", [4], [1, 1, 0.5f, 0.5f])])] = "Upsample scales [1, 1, 0.5, 0.5] below 1",
            [m.Op("Resize", "without_target", ["x"])] = "neither scales nor sizes",
        };
        m.Op("GlobalAveragePool", "gap", ["x"]);
        m.Op("Flatten", "vector", ["gap"]);
        expected[m.Op("Resize", "resize_of_vector", ["vector", "", m.Float("ones", [2], [1, 1])])] = "Resize of a rank-2 feature map: only (N, C, H, W)";
        foreach (string output in expected.Keys) m.Output(output);
        AssertEachNamed(m, expected);
    }

    private static void AssertEachNamed(ModelBuilder m, Dictionary<string, string> expected)
    {
        OnnxNotSupportedException e = Assert.Throws<OnnxNotSupportedException>(() => SmallModels.Load(m.Bytes()));
        Assert.Equal(expected.Keys.Order(), e.Nodes.Select(n => n.Name).Order());
        foreach (OnnxUnsupportedNode node in e.Nodes)
            Assert.True(node.Reason.Contains(expected[node.Name], StringComparison.Ordinal), $"{node}: expected '{expected[node.Name]}'");
    }
}
