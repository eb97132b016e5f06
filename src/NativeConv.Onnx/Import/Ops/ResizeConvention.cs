namespace NativeConv.Onnx;

/// <summary>
/// How a Resize or Upsample node makes each output pixel, in <see cref="ResizeSpec"/>'s terms: mode (nearest, or
/// linear as bilinear over H and W), coordinate_transformation_mode and nearest_mode; or why NativeConv's resize has no
/// such convention. Upsample (opsets 7 to 9) has only a mode: ONNX Runtime's asymmetric coordinates, nearest taking
/// ⌊x⌋ (Upsample only enlarges, where its "simple" rounding is the floor).
/// </summary>
internal readonly record struct ResizeConvention(ResizeMode Mode, ResizeCoordinates Coordinates, NearestRounding Rounding)
{
    /// <returns>The convention, or null with <paramref name="reason"/>.</returns>
    public static ResizeConvention? Of(Node node, out string? reason)
    {
        reason = null;
        string mode = node.String("mode", "nearest");
        if (node.OpType == "Upsample")
        {
            if (mode is "linear" or "bilinear") return new(ResizeMode.Bilinear, ResizeCoordinates.Asymmetric, NearestRounding.Floor);
            if (mode == "nearest") return new(ResizeMode.Nearest, ResizeCoordinates.Asymmetric, NearestRounding.Floor);
            reason = $"mode '{mode}': NativeConv resizes nearest or bilinear";
            return null;
        }
        string coordinates = node.String("coordinate_transformation_mode", "half_pixel"), nearest = node.String("nearest_mode", "round_prefer_floor");
        reason = mode is not ("nearest" or "linear") ? $"mode '{mode}': NativeConv resizes nearest or linear (bilinear over H and W), not {mode}"
            : node.Int("exclude_outside", 0) != 0 ? $"exclude_outside {node.Int("exclude_outside", 0)}: only 0 (NativeConv's resize renormalizes no weights)"
            : node.Int("antialias", 0) != 0 ? $"antialias {node.Int("antialias", 0)}: NativeConv's resize has no antialiasing filter"
            : coordinates == "tf_crop_and_resize" ? "coordinate_transformation_mode 'tf_crop_and_resize' (a crop by roi): NativeConv resizes whole feature maps"
            : coordinates is not ("half_pixel" or "pytorch_half_pixel" or "align_corners" or "asymmetric")
                ? $"coordinate_transformation_mode '{coordinates}': only half_pixel, pytorch_half_pixel, align_corners and asymmetric"
            : mode == "nearest" && nearest is not ("round_prefer_floor" or "round_prefer_ceil" or "floor")
                ? $"nearest_mode '{nearest}': only round_prefer_floor, round_prefer_ceil and floor"
            : null;
        if (reason is not null) return null;
        return new(mode == "nearest" ? ResizeMode.Nearest : ResizeMode.Bilinear,
            coordinates switch
            {
                "half_pixel" => ResizeCoordinates.HalfPixel,
                "pytorch_half_pixel" => ResizeCoordinates.PytorchHalfPixel,
                "align_corners" => ResizeCoordinates.AlignCorners,
                _ => ResizeCoordinates.Asymmetric,
            },
            mode == "linear" ? NearestRounding.Floor : nearest switch
            {
                "floor" => NearestRounding.Floor,
                "round_prefer_ceil" => NearestRounding.RoundPreferCeil,
                _ => NearestRounding.RoundPreferFloor,
            });
    }
}
