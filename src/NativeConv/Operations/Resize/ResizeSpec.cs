using System.Globalization;

namespace NativeConv;

/// <summary>How a resize makes each output value.</summary>
public enum ResizeMode
{
    /// <summary>The value of one input pixel, chosen by <see cref="NearestRounding"/>.</summary>
    Nearest,

    /// <summary>The bilinear interpolation of the two-by-two input pixels around the source coordinate.</summary>
    Bilinear,
}

/// <summary>
/// Where output pixel d (per axis, from 0) takes its value in the input, for input size <c>in</c> and output size
/// <c>out</c> on that axis (ONNX Resize's coordinate_transformation_mode). Bilinear clamps the coordinate to [0, in − 1].
/// </summary>
public enum ResizeCoordinates
{
    /// <summary>(d + ½)·in/out − ½, pixel centres aligned: PyTorch's align_corners=False, ONNX half_pixel (with RoundPreferCeil, PyTorch's nearest-exact).</summary>
    HalfPixel,

    /// <summary>d·(in − 1)/(out − 1), 0 where out is 1, corner pixels aligned: PyTorch's align_corners=True, ONNX align_corners.</summary>
    AlignCorners,

    /// <summary>d·in/out: ONNX asymmetric; with Floor, PyTorch's mode='nearest'.</summary>
    Asymmetric,

    /// <summary>HalfPixel, except 0 where the output size is 1: ONNX pytorch_half_pixel.</summary>
    PytorchHalfPixel,
}

/// <summary>How Nearest turns the source coordinate x into a pixel index (ONNX Resize's nearest_mode); the index is then clamped to [0, in − 1].</summary>
public enum NearestRounding
{
    /// <summary>⌊x⌋: PyTorch's mode='nearest', ONNX floor.</summary>
    Floor,

    /// <summary>The nearest integer, a tie going down: ONNX round_prefer_floor.</summary>
    RoundPreferFloor,

    /// <summary>The nearest integer, a tie going up: ONNX round_prefer_ceil.</summary>
    RoundPreferCeil,
}

/// <summary>
/// An immutable resize of height and width, batch and channels unchanged (PyTorch's <c>interpolate</c>, ONNX's
/// <c>Resize</c>): nearest or bilinear, to an explicit output size or by scale factors (output = ⌊input × scale⌋ per axis,
/// as PyTorch computes it in double), with a coordinate convention and, for Nearest, a rounding.
/// <para>
/// Coordinates come from the input and output sizes (in/out) for scale factors too: PyTorch's
/// <c>recompute_scale_factor=True</c>. PyTorch's default (and ONNX Resize given <c>scales</c>) maps by 1/scale instead,
/// which is the same whenever input × scale is a whole number (every 2x upsampling) and otherwise moves the coordinates.
/// </para>
/// <para>
/// Coordinates are float32, as PyTorch evaluates them: the scale in/out (or (in − 1)/(out − 1)) rounded to float32, times
/// d + ½ (or d) rounded once. Nearest rounds that value exactly, so it picks PyTorch's pixel, ulp for ulp; bilinear is
/// defined at the exact coordinate, and every float32 evaluation is within a derived bound of it.
/// </para>
/// </summary>
public sealed record ResizeSpec
{
    /// <summary>The largest input or output height or width: float32 coordinates stay far finer than a pixel up to here.</summary>
    public const int MaxSize = 1 << 20;

    private ResizeSpec(ResizeMode mode, Size2D? size, (double Height, double Width)? scale, ResizeCoordinates coordinates, NearestRounding rounding)
    {
        if (!Enum.IsDefined(mode)) throw new ArgumentOutOfRangeException(nameof(mode), mode, "not a resize mode");
        if (!Enum.IsDefined(coordinates)) throw new ArgumentOutOfRangeException(nameof(coordinates), coordinates, "not a coordinate convention");
        if (!Enum.IsDefined(rounding)) throw new ArgumentOutOfRangeException(nameof(rounding), rounding, "not a nearest rounding");
        if (mode == ResizeMode.Bilinear && rounding != NearestRounding.Floor)
            throw new ArgumentException($"rounding {rounding} applies to nearest resizing; bilinear interpolates between pixels", nameof(rounding));
        if (size is { } s && (s.Height > MaxSize || s.Width > MaxSize))
            throw new ArgumentOutOfRangeException(nameof(size), s, $"a resize's height and width must be at most {MaxSize}");
        if (scale is (double h, double w) && !(double.IsFinite(h) && h > 0 && double.IsFinite(w) && w > 0))
            throw new ArgumentOutOfRangeException(nameof(scale), scale, "scale factors must be finite and positive");
        Mode = mode;
        Size = size;
        Scale = scale;
        Coordinates = coordinates;
        Rounding = rounding;
    }

    /// <summary>A resize to <paramref name="size"/> (height x width) whatever the input's.</summary>
    public static ResizeSpec ToSize(Size2D size, ResizeMode mode, ResizeCoordinates coordinates, NearestRounding rounding = NearestRounding.Floor) =>
        new(mode, size, null, coordinates, rounding);

    /// <summary>A resize to ⌊input height × <paramref name="height"/>⌋ x ⌊input width × <paramref name="width"/>⌋ (a result of 0 is refused per input).</summary>
    public static ResizeSpec ByScale(double height, double width, ResizeMode mode, ResizeCoordinates coordinates, NearestRounding rounding = NearestRounding.Floor) =>
        new(mode, null, (height, width), coordinates, rounding);

    /// <summary>A resize to the height and width of another value (<see cref="GraphBuilder.ResizeLike"/>).</summary>
    internal static ResizeSpec ToSizeOfAnother(ResizeMode mode, ResizeCoordinates coordinates, NearestRounding rounding) =>
        new(mode, null, null, coordinates, rounding);

    public ResizeMode Mode { get; }

    /// <summary>The explicit output size, or null.</summary>
    public Size2D? Size { get; }

    /// <summary>The scale factors (height, width), or null.</summary>
    public (double Height, double Width)? Scale { get; }

    public ResizeCoordinates Coordinates { get; }

    /// <summary>Nearest's rounding (Floor for bilinear, where it has no role).</summary>
    public NearestRounding Rounding { get; }

    /// <summary>Whether the output size is another value's (neither <see cref="Size"/> nor <see cref="Scale"/>).</summary>
    public bool SizeFromAnotherValue => Size is null && Scale is null;

    /// <summary>
    /// The output height and width for an input of <paramref name="height"/> x <paramref name="width"/> (for a size taken
    /// from another value, that value's); an <see cref="ArgumentException"/> saying why for a size of 0 or above <see cref="MaxSize"/>.
    /// </summary>
    public (int Height, int Width) OutputSize(int height, int width)
    {
        if (height > MaxSize || width > MaxSize)
            throw new ArgumentException($"a size of {height}x{width} exceeds a resize's largest height and width, {MaxSize}");
        if (Size is { } size) return (size.Height, size.Width);
        if (Scale is not (double sh, double sw)) return (height, width);
        double h = Math.Floor(height * sh), w = Math.Floor(width * sw);
        if (h < 1 || w < 1)
            throw new ArgumentException($"the output would be {h}x{w} (⌊{height} × {Number(sh)}⌋ x ⌊{width} × {Number(sw)}⌋): a resize to zero size");
        if (h > MaxSize || w > MaxSize)
            throw new ArgumentException($"the output would be {h}x{w} (⌊{height} × {Number(sh)}⌋ x ⌊{width} × {Number(sw)}⌋), beyond a resize's largest height and width, {MaxSize}");
        return ((int)h, (int)w);
    }

    public override string ToString()
    {
        string size = Size is { } s ? $"to {s}" : Scale is (double h, double w) ? $"by {Number(h)}x{Number(w)}" : "to the size of another value";
        string coordinates = Coordinates switch
        {
            ResizeCoordinates.HalfPixel => "half-pixel",
            ResizeCoordinates.AlignCorners => "align-corners",
            ResizeCoordinates.Asymmetric => "asymmetric",
            _ => "pytorch-half-pixel",
        };
        string rounding = Mode == ResizeMode.Nearest ? ", " + Rounding switch
        {
            NearestRounding.Floor => "floor",
            NearestRounding.RoundPreferFloor => "round-prefer-floor",
            _ => "round-prefer-ceil",
        } : "";
        return $"resize {(Mode == ResizeMode.Nearest ? "nearest" : "bilinear")} {size}, {coordinates}{rounding}";
    }

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
