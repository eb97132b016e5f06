namespace NativeConv.Onnx.Tests;

/// <summary>
/// Resize in each coordinate convention and nearest rounding, by scales and to sizes (constant, or another feature map's
/// as LR-ASPP computes them), opsets 11, 13 and 18 (axes); Upsample with scales as an input and as an attribute.
/// </summary>
internal static partial class MappingCases
{
    private static MappingCase[] Resizing() =>
    [
        // PyTorch's F.interpolate(scale_factor=2, mode="nearest") at opset 13.
        new("resize-nearest-scales-asymmetric-floor", () =>
        {
            var m = new ModelBuilder();
            m.Input("x", "N", 3, "H", "W");
            m.Op("Resize", "y", ["x", "", m.Float("scales", [4], [1, 1, 2, 2])], ("mode", "nearest"), ("coordinate_transformation_mode", "asymmetric"), ("nearest_mode", "floor"));
            m.Output("y", "N", 3, "OH", "OW");
            return m;
        }, One(2, 3, 3, 4), ["resize nearest by 2x2, asymmetric, floor"]),
        // LR-ASPP: F.interpolate(y, size=x.shape[-2:], mode="bilinear", align_corners=False), the sizes from Shape arithmetic.
        new("resize-bilinear-to-the-input-s-size", () =>
        {
            var m = new ModelBuilder();
            m.Input("x", "N", 3, "H", "W");
            m.Conv("c", "x", 3, 4, 3, attributes: [Ints("strides", 2, 2), Ints("pads", 1, 1, 1, 1)]);
            m.Op("Shape", "sc", ["c"]);
            m.Op("Slice", "nc", ["sc", m.Int64("s0", 0), m.Int64("e2", 2), m.Int64("a0", 0)]);
            m.Op("Shape", "sx", ["x"]);
            m.Op("Gather", "h", ["sx", m.Int64("i2", [], [2])], ("axis", 0L));
            m.Op("Gather", "w", ["sx", m.Int64("i3", [], [3])], ("axis", 0L));
            m.Op("Unsqueeze", "h1", ["h", m.Int64("u0", 0)]);
            m.Op("Unsqueeze", "w1", ["w", m.Int64("u0b", 0)]);
            m.Op("Concat", "hw", ["h1", "w1"], ("axis", 0L));
            m.Op("Cast", "hw64", ["hw"], ("to", 7L));
            m.Op("Concat", "sizes", ["nc", "hw64"], ("axis", 0L));
            m.Op("Resize", "y", ["c", "", "", "sizes"], ("mode", "linear"), ("coordinate_transformation_mode", "half_pixel"), ("nearest_mode", "floor"));
            m.Output("y", "N", 4, "H", "W");
            return m;
        }, One(1, 3, 7, 6), ["resize bilinear to the size of 'x', half-pixel"]),
        new("resize-bilinear-align-corners-to-sizes", () =>
        {
            var m = new ModelBuilder();
            m.Input("x", 1, 2, 5, 7);
            m.Op("Resize", "y", ["x", "", "", m.Int64("sizes", 1, 2, 9, 4)], ("mode", "linear"), ("coordinate_transformation_mode", "align_corners"));
            m.Output("y", 1, 2, 9, 4);
            return m;
        }, One(1, 2, 5, 7), ["resize bilinear to 9x4, align-corners"]),
        // PyTorch's nearest-exact: half_pixel with round_prefer_ceil; halving puts every coordinate on a tie.
        new("resize-nearest-half-pixel-round-prefer-ceil-halving", () =>
        {
            var m = new ModelBuilder();
            m.Input("x", 1, 3, 8, 6);
            m.Op("Resize", "y", ["x", "", m.Float("scales", [4], [1, 1, 0.5f, 0.5f])], ("mode", "nearest"), ("nearest_mode", "round_prefer_ceil"));
            m.Output("y", 1, 3, 4, 3);
            return m;
        }, One(1, 3, 8, 6), ["resize nearest by 0.5x0.5, half-pixel, round-prefer-ceil"]),
        new("resize-nearest-half-pixel-round-prefer-floor-enlarging", () =>
        {
            var m = new ModelBuilder();
            m.Input("x", 1, 2, 3, 5);
            m.Op("Resize", "y", ["x", "", "", m.Int64("sizes", 1, 2, 7, 8)], ("mode", "nearest"));
            m.Output("y", 1, 2, 7, 8);
            return m;
        }, One(1, 2, 3, 5), ["resize nearest to 7x8, half-pixel, round-prefer-floor"]),
        new("resize-linear-pytorch-half-pixel-to-one-row", () =>
        {
            var m = new ModelBuilder();
            m.Input("x", 1, 2, 4, 5);
            m.Op("Resize", "y", ["x", "", "", m.Int64("sizes", 1, 2, 1, 3)], ("mode", "linear"), ("coordinate_transformation_mode", "pytorch_half_pixel"));
            m.Output("y", 1, 2, 1, 3);
            return m;
        }, One(1, 2, 4, 5), ["resize bilinear to 1x3, pytorch-half-pixel"]),
        new("resize-axes-opset18", () =>
        {
            var m = new ModelBuilder(18);
            m.Input("x", "N", 2, "H", "W");
            m.Op("Resize", "y", ["x", "", m.Float("scales", [2], [2, 3])], Ints("axes", 3, -2), ("mode", "nearest"));
            m.Output("y", "N", 2, "OH", "OW");
            return m;
        }, One(1, 2, 3, 2), ["resize nearest by 3x2, half-pixel, round-prefer-floor"]),
        new("resize-opset11-empty-roi-and-scales", () =>
        {
            var m = new ModelBuilder(11);
            m.Input("x", 1, 3, 4, 4);
            m.Op("Resize", "y", ["x", m.Float("roi", [0], []), m.Float("scales", [0], []), m.Int64("sizes", 1, 3, 6, 10)], ("mode", "linear"), ("coordinate_transformation_mode", "asymmetric"));
            m.Output("y", 1, 3, 6, 10);
            return m;
        }, One(1, 3, 4, 4), ["resize bilinear to 6x10, asymmetric"]),
        // Upsample (opsets 7 to 9) if a file has one: scales as an input (9) or an attribute (7), asymmetric.
        new("upsample-nearest-and-linear", () =>
        {
            var m = new ModelBuilder(11);
            m.Input("x", "N", 2, "H", "W");
            m.Op("Upsample", "a", ["x", m.Float("scales", [4], [1, 1, 2, 3])], ("mode", "nearest"));
            m.Op("Upsample", "y", ["a"], ("mode", "linear"), ("scales", new float[] { 1, 1, 2, 1 }));
            m.Output("y", "N", 2, "OH", "OW");
            return m;
        }, One(1, 2, 3, 2), ["resize nearest by 2x3, asymmetric, floor", "resize bilinear by 2x1, asymmetric"]),
    ];
}
