namespace NativeConv;

/// <summary>
/// An immutable 2-D transposed convolution (PyTorch's <c>ConvTranspose2d</c>): every input pixel adds its channels,
/// through the kernel, into a window of the output placed at stride steps; <see cref="Padding"/> crops that full output
/// (on each side, so possibly asymmetric) and <see cref="OutputPadding"/> extends it at the bottom and right. Output size
/// per axis: (in − 1)·stride − pad_begin − pad_end + dilation·(k − 1) + output_padding + 1. Weights come in PyTorch order
/// <c>(in, out/groups, kh, kw)</c>, bias has <c>out</c> elements. Everything is validated here, before any native code sees it.
/// </summary>
public sealed record ConvTranspose2dSpec : ConvolutionSpec
{
    /// <param name="padding">Rows and columns cropped from the full output: explicit amounts (Valid is none); Same is refused (PyTorch has none here).</param>
    /// <param name="outputPadding">Rows and columns added at the bottom and right; per axis smaller than the stride or the dilation, as PyTorch requires.</param>
    public ConvTranspose2dSpec(int inChannels, int outChannels, Size2D kernel, Size2D? stride = null, Padding2D padding = default,
        OutputPadding2D outputPadding = default, Size2D? dilation = null, int groups = 1, bool bias = true, Activation? activation = null)
        : base(inChannels, outChannels, kernel, stride, dilation, groups, bias, activation)
    {
        if (padding.Mode == PaddingMode.Same)
            throw new ArgumentException("a transposed convolution takes explicit padding (the rows and columns cropped from its output), not Same", nameof(padding));
        Padding = padding.Mode == PaddingMode.Valid ? Padding2D.Symmetric(0) : padding;
        // PyTorch's rule: beyond both, the added rows would be a whole stride step the input never reaches.
        if (outputPadding.Height >= Math.Max(Stride.Height, Dilation.Height) || outputPadding.Width >= Math.Max(Stride.Width, Dilation.Width))
            throw new ArgumentException($"output padding {outputPadding} must be smaller than the stride {Stride} or the dilation {Dilation} on each axis", nameof(outputPadding));
        OutputPadding = outputPadding;
    }

    /// <summary>A depthwise transposed convolution: one group per input channel, <paramref name="multiplier"/> outputs per channel.</summary>
    public static ConvTranspose2dSpec Depthwise(int channels, Size2D kernel, int multiplier = 1, Size2D? stride = null, Padding2D padding = default,
        OutputPadding2D outputPadding = default, Size2D? dilation = null, bool bias = true, Activation? activation = null)
        => new(channels, DepthwiseOutChannels(channels, multiplier), kernel, stride, padding, outputPadding, dilation, groups: channels, bias, activation);

    /// <summary>Rows and columns cropped from the full output (always explicit).</summary>
    public Padding2D Padding { get; }

    public OutputPadding2D OutputPadding { get; }

    public override string WeightShape => $"in={InChannels}, out/groups={OutChannelsPerGroup}, kh={Kernel.Height}, kw={Kernel.Width}";

    /// <summary>The same transposed convolution with another fused activation.</summary>
    public ConvTranspose2dSpec WithActivation(Activation activation) =>
        new(InChannels, OutChannels, Kernel, Stride, Padding, OutputPadding, Dilation, Groups, HasBias, activation);

    /// <summary>The same transposed convolution with or without a bias.</summary>
    public ConvTranspose2dSpec WithBias(bool bias) =>
        new(InChannels, OutChannels, Kernel, Stride, Padding, OutputPadding, Dilation, Groups, bias, Activation);

    public override ConvGeometry Geometry(int batch, int height, int width) => ConvGeometry.ResolveTransposed(this, batch, height, width);

    /// <summary>Every input value meets out/groups · kh · kw weights.</summary>
    public override long MultiplyAccumulates(int batch, int height, int width)
    {
        ConvGeometry g = Geometry(batch, height, width);
        return (long)g.Batch * g.InHeight * g.InWidth * InChannels * OutChannelsPerGroup * Kernel.Height * Kernel.Width;
    }

    public override string ToString() =>
        $"convT {InChannels}->{OutChannels} k{Kernel} s{Stride} {Padding} op{OutputPadding} d{Dilation} g{Groups}{(HasBias ? " +bias" : "")} {Activation}";
}
