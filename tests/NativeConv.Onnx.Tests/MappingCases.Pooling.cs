namespace NativeConv.Onnx.Tests;

/// <summary>MaxPool and AveragePool: every attribute PyTorch exports, auto_pad where it is expressible, a Pad merged in.</summary>
internal static partial class MappingCases
{
    private static MappingCase[] Pooling() =>
    [
        new("maxpool-shufflenet-stem", () =>
        {
            var m = new ModelBuilder();
            m.Input("x", "N", 4, "H", "W");
            m.Op("MaxPool", "y", ["x"], Ints("kernel_shape", 3, 3), Ints("strides", 2, 2), Ints("pads", 1, 1, 1, 1), ("ceil_mode", 0L));
            m.Output("y", "N", 4, "OH", "OW");
            return m;
        }, One(2, 4, 9, 8), ["max pool 3x3 stride 2 padding 1"]),
        // W: 5 padded to 7, stride 3 in ceil mode would make a third window starting in the end padding: dropped.
        new("maxpool-dilated-asymmetric-ceil", () =>
        {
            var m = new ModelBuilder();
            m.Input("x", "N", 3, "H", "W");
            m.Op("MaxPool", "y", ["x"], Ints("kernel_shape", 3, 2), Ints("strides", 2, 3), Ints("dilations", 2, 1), Ints("pads", 1, 1, 0, 1), ("ceil_mode", 1L));
            m.Output("y", "N", 3, 4, 2);
            return m;
        }, One(1, 3, 9, 5), ["max pool 3x2 stride 2x3 padding (t1, l1, b0, r1) dilation 2x1 ceil mode"]),
        // The last window of each axis (ceil mode) reaches past the end padding: counted up to it only.
        new("avgpool-count-include-pad-ceil", () =>
        {
            var m = new ModelBuilder();
            m.Input("x", "N", 3, "H", "W");
            m.Op("AveragePool", "y", ["x"], Ints("kernel_shape", 3, 3), Ints("strides", 2, 2), Ints("pads", 1, 1, 1, 1), ("ceil_mode", 1L), ("count_include_pad", 1L));
            m.Output("y", "N", 3, 4, 4);
            return m;
        }, One(1, 3, 6, 7), ["average pool 3x3 stride 2 padding 1 ceil mode (padding counted)"]),
        new("avgpool-asymmetric-pads-not-counted", () =>
        {
            var m = new ModelBuilder();
            m.Input("x", "N", 4, "H", "W");
            m.Op("AveragePool", "y", ["x"], Ints("kernel_shape", 2, 3), Ints("strides", 1, 2), Ints("pads", 0, 1, 1, 0));
            m.Output("y", "N", 4, "OH", "OW");
            return m;
        }, One(2, 4, 5, 6), ["average pool 2x3 stride 1x2 padding (t0, l1, b1, r0) (padding not counted)"]),
        // A fixed size: SAME_UPPER's odd pad after, SAME_LOWER's before, VALID none.
        new("pools-auto-pad-fixed-size", () =>
        {
            var m = new ModelBuilder();
            m.Input("x", 1, 3, 9, 10);
            m.Op("MaxPool", "a", ["x"], Ints("kernel_shape", 2, 2), Ints("strides", 2, 2), ("auto_pad", "SAME_UPPER"));
            m.Op("AveragePool", "b", ["a"], Ints("kernel_shape", 2, 3), Ints("strides", 2, 2), ("auto_pad", "SAME_LOWER"));
            m.Op("MaxPool", "y", ["b"], Ints("kernel_shape", 2, 2), ("auto_pad", "VALID"));
            m.Output("y", 1, 3, 2, 2);
            return m;
        }, One(1, 3, 9, 10), ["max pool 2x2 stride 2 padding (t0, l0, b1, r0)", "average pool 2x3 stride 2 padding (t1, l1, b0, r1) (padding not counted)", "max pool 2x2 stride 1"]),
        new("pools-same-stride-1-any-size", () =>
        {
            var m = new ModelBuilder();
            m.Input("x", "N", 5, "H", "W");
            m.Op("AveragePool", "a", ["x"], Ints("kernel_shape", 3, 3), ("auto_pad", "SAME_UPPER"), ("count_include_pad", 1L));
            m.Op("MaxPool", "y", ["a"], Ints("kernel_shape", 3, 5), ("auto_pad", "SAME_LOWER"));
            m.Output("y", "N", 5, "H", "W");
            return m;
        }, One(1, 5, 6, 7), ["average pool 3x3 stride 1 padding 1 (padding counted)", "max pool 3x5 stride 1 padding (t1, l2, b1, r2)"]),
        new("pad-into-average-pool", () =>
        {
            var m = new ModelBuilder();
            m.Input("x", "N", 4, "H", "W");
            m.Op("Pad", "pad", ["x", m.Int64("pads", 0, 0, 1, 1, 0, 0, 1, 1)]);
            m.Op("AveragePool", "y", ["pad"], Ints("kernel_shape", 3, 3), Ints("strides", 2, 2));
            m.Output("y", "N", 4, "OH", "OW");
            return m;
        }, One(1, 4, 7, 6), ["Pad 'pad' -> fused into AveragePool 'y'", "average pool 3x3 stride 2 padding 1 (padding counted)"]),
    ];
}
