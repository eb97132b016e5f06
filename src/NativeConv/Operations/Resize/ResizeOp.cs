namespace NativeConv;

/// <summary>
/// A resize of height and width (<see cref="ResizeSpec"/>): (N, C, H, W) → (N, C, H', W'), H' and W' from the spec, or
/// from a second input's height and width (<see cref="GraphBuilder.ResizeLike"/>: LR-ASPP and DeepLab upsample to the
/// image's size, known only at the first call). The second input is read for its shape only.
/// </summary>
internal sealed partial class ResizeOp(string name, int[] inputs, int output, ResizeSpec spec, string? likeName)
    : GraphOp(name, inputs, [output])
{
    public ResizeSpec Spec { get; } = spec;

    public override string Definition => likeName is null ? Spec.ToString() : Spec.ToString().Replace("another value", $"'{likeName}'", StringComparison.Ordinal);

    public override void InferShapes(ReadOnlySpan<TensorShape> inputs, Span<TensorShape> outputs)
    {
        TensorShape x = inputs[0];
        (int height, int width) = Spec.OutputSize(x.Height, x.Width); // checks the input's size too
        if (Spec.SizeFromAnotherValue) (height, width) = Spec.OutputSize(inputs[1].Height, inputs[1].Width);
        outputs[0] = x with { Height = height, Width = width };
    }

    /// <summary>The two axes for these shapes.</summary>
    internal (ResizeAxis Rows, ResizeAxis Columns) Axes(OpShapes shapes) =>
        (new ResizeAxis(shapes.Input.Height, shapes.Output.Height, Spec.Coordinates), new ResizeAxis(shapes.Input.Width, shapes.Output.Width, Spec.Coordinates));
}

public sealed partial class GraphBuilder
{
    /// <summary>
    /// <paramref name="x"/> resized as <paramref name="spec"/> says: to its explicit size or by its scale factors (an input
    /// the factors would shrink to nothing is refused at that call, naming the operation and the shapes).
    /// </summary>
    public Value Resize(Value x, ResizeSpec spec, string? name = null)
    {
        int input = Read(x, nameof(x));
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.SizeFromAnotherValue)
            throw new ArgumentException($"'{name ?? "resize"}' ({spec}) takes its size from another value: use ResizeLike", nameof(spec));
        return AddOne(name, "resize", x.Channels, (n, output) => new ResizeOp(n, [input], output, spec, null));
    }

    /// <summary>
    /// <paramref name="x"/> resized to the height and width of <paramref name="like"/> (any channels; only its shape is
    /// read), known at each call: LR-ASPP's and DeepLab's upsampling to the input image's size.
    /// </summary>
    public Value ResizeLike(Value x, Value like, ResizeMode mode, ResizeCoordinates coordinates, NearestRounding rounding = NearestRounding.Floor, string? name = null)
    {
        int input = Read(x, nameof(x)), size = Read(like, nameof(like));
        ResizeSpec spec = ResizeSpec.ToSizeOfAnother(mode, coordinates, rounding);
        string likeName = like.Name;
        return AddOne(name, "resize", x.Channels, (n, output) => new ResizeOp(n, [input, size], output, spec, likeName));
    }
}
