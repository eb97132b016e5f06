namespace NativeConv.Onnx.Tests;

/// <summary>
/// Concat and Split along channels in every opset form, channel Slices that tile the channels (one Split), and
/// ShuffleNet v2's unit as torch.onnx.export writes it: chunk's Slices and the channel shuffle through Shape arithmetic.
/// </summary>
internal static partial class MappingCases
{
    private static MappingCase[] Channels() =>
    [
        new("concat-split-opset13", () =>
        {
            var m = new ModelBuilder();
            m.Input("x", "N", 3, "H", "W");
            m.Conv("a", "x", 3, 2, 1);
            m.Conv("b", "x", 3, 5, 3, attributes: Ints("pads", 1, 1, 1, 1));
            m.Op("Concat", "cat", ["a", "b", "x"], ("axis", 1L));
            m.Node("Split", ["cat", m.Int64("sizes", 4, 6)], ["p", "q"], "split", ("axis", 1L));
            m.Output("p", "N", 4, "H", "W");
            m.Output("q", "N", 6, "H", "W");
            return m;
        }, One(2, 3, 4, 5), ["concat along channels (2 + 5 + 3)", "split along channels into 4 + 6"]),
        new("split-attribute-opset11-negative-axes", () =>
        {
            var m = new ModelBuilder(11);
            m.Input("x", "N", 3, "H", "W");
            m.Node("Split", ["x"], ["p", "q"], "split", ("axis", -3L), Ints("split", 1, 2));
            m.Op("Concat", "y", ["q", "p"], ("axis", -3L));
            m.Output("y", "N", 3, "H", "W");
            return m;
        }, One(1, 3, 3, 4), ["split along channels into 1 + 2", "concat along channels (2 + 1)"]),
        new("split-equal-parts", () =>
        {
            var m = new ModelBuilder();
            m.Input("x", "N", 6, "H", "W");
            m.Node("Split", ["x"], ["a", "b", "c"], "split", ("axis", 1L));
            m.Op("Concat", "y", ["c", "a", "b"], ("axis", 1L));
            m.Output("y", "N", 6, "H", "W");
            return m;
        }, One(1, 6, 2, 3), ["split along channels into 2 + 2 + 2"]),
        new("split-num-outputs-opset18", () =>
        {
            var m = new ModelBuilder(18);
            m.Input("x", "N", 7, "H", "W");
            m.Node("Split", ["x"], ["a", "b", "c"], "split", ("axis", 1L), ("num_outputs", 3L));
            m.Output("a", "N", 3, "H", "W");
            m.Output("b", "N", 3, "H", "W");
            m.Output("c", "N", 1, "H", "W");
            return m;
        }, One(2, 7, 3, 2), ["split along channels into 3 + 3 + 1"]),
        // Three Slices in no particular order, with a negative start, INT64_MAX as "to the end" and the axis as -3.
        new("channel-slices-tiling-in-any-order", () =>
        {
            var m = new ModelBuilder();
            m.Input("x", "N", 8, "H", "W");
            m.Conv("c", "x", 8, 8, 1);
            m.Op("Slice", "tail", ["c", m.Int64("s5", 5), m.Int64("end", long.MaxValue), m.Int64("axm3", -3)]);
            m.Op("Slice", "middle", ["c", m.Int64("sm6", -6), m.Int64("e5", 5), m.Int64("ax1", 1)]);
            m.Op("Slice", "head", ["c", m.Int64("s0", 0), m.Int64("e2", 2), m.Int64("ax1b", 1), m.Int64("step1", 1)]);
            m.Output("tail", "N", 3, "H", "W");
            m.Output("middle", "N", 3, "H", "W");
            m.Output("head", "N", 2, "H", "W");
            return m;
        }, One(1, 8, 3, 3), ["split along channels into 2 + 3 + 3", "Slice 'tail' -> fused into Split", "Slice 'head' -> fused into Split"]),
        new("concat-of-pooled-vectors", () =>
        {
            var m = new ModelBuilder();
            m.Input("x", "N", 3, "H", "W");
            m.Conv("c", "x", 3, 4, 3);
            m.Op("GlobalAveragePool", "pc", ["c"]);
            m.Op("GlobalAveragePool", "px", ["x"]);
            m.Op("Flatten", "fc", ["pc"]);
            m.Op("Flatten", "fx", ["px"]);
            m.Op("Concat", "cat", ["fc", "fx"], ("axis", -1L));
            m.Op("Gemm", "y", ["cat", m.Float("W", [2, 7]), m.Float("B", [2])], ("transB", 1L));
            m.Output("y", "N", 2);
            return m;
        }, One(2, 3, 5, 5), ["concat along channels (4 + 3)"]),
        new("shufflenet-unit-as-exported", ShuffleNetUnit, One(2, 8, 5, 6),
            ["split along channels into 4 + 4", "channel shuffle, 2 groups", "Slice 'left' -> fused into Split 'left'", "Transpose 't' -> fused into nativeconv.ChannelShuffle 't'"]),
    ];

    /// <summary>
    /// torchvision's stride-1 InvertedResidual as torch.onnx.export writes it: x.chunk(2, dim=1) as two Slices whose
    /// bounds are (C + 1) / 2 (integer division) times 1 and 2; the right half through pointwise, depthwise 3x3,
    /// pointwise; Concat; channel_shuffle(2) as Reshape (N, 2, C/2, H, W) → Transpose → Reshape (N, -1, H, W) with every
    /// size from Shape → Gather → Unsqueeze → Concat.
    /// </summary>
    private static ModelBuilder ShuffleNetUnit()
    {
        var m = new ModelBuilder();
        m.Input("x", "N", 8, "H", "W");
        m.Conv("c", "x", 8, 8, 1);
        m.Op("Shape", "shape", ["c"]);
        m.Op("Gather", "channels", ["shape", m.Int64("one", 1)], ("axis", 0L));
        m.Op("Add", "plus1", ["channels", m.Int64("k1", 1)]);
        m.Op("Div", "half", ["plus1", m.Int64("k2", 2)]);
        m.Op("Mul", "mid", ["half", m.Int64("k1b", 1)]);
        m.Op("Mul", "end", ["half", m.Int64("k2b", 2)]);
        m.Op("Slice", "left", ["c", m.Int64("zero", 0), "mid", m.Int64("axis1", 1)]);
        m.Op("Slice", "right", ["c", "mid", "end", "axis1"]);
        m.Conv("b0", "right", 4, 4, 1);
        m.Op("Relu", "b1", ["b0"]);
        m.Conv("b2", "b1", 4, 4, 3, group: 4, attributes: Ints("pads", 1, 1, 1, 1));
        m.Conv("b3", "b2", 4, 4, 1);
        m.Op("Relu", "b4", ["b3"]);
        m.Op("Concat", "cat", ["left", "b4"], ("axis", 1L));
        m.Op("Shape", "s", ["cat"]);
        string Dim(int axis) => m.Op("Gather", $"d{axis}", ["s", m.Int64($"i{axis}", [], [axis])], ("axis", 0L));
        string d0 = Dim(0), d2 = Dim(2), d3 = Dim(3);
        m.Op("Div", "per", [Dim(1), m.Int64("groups", [], [2])]);
        int unsqueezed = 0;
        string U(string v) => m.Op("Unsqueeze", $"{v}_u{++unsqueezed}", [v, m.Int64($"{v}_ax{unsqueezed}", 0)]);
        m.Op("Concat", "five", [U(d0), m.Int64("g", 2), U("per"), U(d2), U(d3)], ("axis", 0L));
        m.Op("Reshape", "r5", ["cat", "five"]);
        m.Op("Transpose", "t", ["r5"], ("perm", new long[] { 0, 2, 1, 3, 4 }));
        m.Op("Concat", "four", [U(d0), m.Int64("minus1", -1), U(d2), U(d3)], ("axis", 0L));
        m.Op("Reshape", "y", ["t", "four"]);
        m.Output("y", "N", 8, "H", "W");
        return m;
    }
}
